"""Decodes an image with PIL for lskd's decoder tests and writes "W H\n" then the RGB bytes (HWC) to OUT.
   pil_decode.py IN OUT rgb          Image.open(IN).convert("RGB")
   pil_decode.py IN OUT exif         ImageOps.exif_transpose(Image.open(IN)).convert("RGB")
   pil_decode.py IN OUT draft S      draft("RGB", (W // S, H // S)) first: libjpeg's DCT scaling by 1/S
"""
import sys
import warnings

from PIL import Image, ImageOps

# PIL warns that a palette with tRNS "should be converted to RGBA"; the tests want exactly convert("RGB").
warnings.simplefilter("ignore")
src, dst, mode = sys.argv[1], sys.argv[2], sys.argv[3]
im = Image.open(src)
if mode == "exif":
    im = ImageOps.exif_transpose(im)
elif mode == "draft":
    s = int(sys.argv[4])
    im.draft("RGB", (im.width // s, im.height // s))
im = im.convert("RGB")
with open(dst, "wb") as f:
    f.write(f"{im.width} {im.height}\n".encode())
    f.write(im.tobytes())
