"""MNIST: exact neighbour search, KNN, the image distortion model, denoising, image preparation."""
