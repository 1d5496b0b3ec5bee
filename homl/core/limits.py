"""What a user's file may ask of homl, in one place: the stages and the `homl` command read these bounds.

Within them, any input is answered within the stated time and memory (README, Guarantees): a file that
passes them is parsed, one that does not is refused with one line naming the file and the bound.
"""

MAX_INPUT_BYTES = 50 * 2**20  # any one file the `homl` command reads
MAX_MIME_DEPTH = 30  # nested multipart levels read; deeper parts are skipped and counted as a defect
MAX_MIME_PARTS = 2_000  # parts read in one message; the rest are skipped and counted as a defect
MAX_TEXT_CHARS = 1_000_000  # of a message's body, and of its headers, that reach a model; the rest is cut
MAX_IMAGE_PIXELS = 25_000_000  # width x height, checked from the image's header before decoding
MAX_TABLE_ROWS = 10_000  # passengers in one table
