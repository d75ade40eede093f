#!/usr/bin/python3
"""Makes the photographs bundled with dev.jacobi.algorithms.compress (Images.photograph).

Run with Debian's python3-skimage: /usr/bin/python3 make_photos.py
Each image from scikit-image's data folder is scaled down with anti-aliasing (so the bundle stays
small and the codecs' training runs fast), centre-cropped to sides that are multiples of 8, and
written as an 8-bit RGB PNG beside this script.  Licences (from scikit-image's docstrings):
  astronaut  Eileen Collins, NASA: public domain
  coffee     Rachel Michetti, courtesy of Pikolo Espresso Bar: CC0
  rocket     SpaceX: public domain
  hubble     Hubble deep field, NASA: public domain
  chelsea    Stefan van der Walt: CC0 (held out: the codecs are tested on it, never trained on it)
"""
import os
import numpy as np
from skimage import data, io
from skimage.transform import rescale

PHOTOS = {
    "astronaut": (data.astronaut, 0.5),
    "coffee": (data.coffee, 0.5),
    "rocket": (data.rocket, 0.5),
    "hubble": (data.hubble_deep_field, 0.3),
    "chelsea": (data.chelsea, 0.75),
}


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    for name, (load, scale) in PHOTOS.items():
        img = load()[..., :3].astype(np.float64) / 255.0
        small = rescale(img, scale, anti_aliasing=True, channel_axis=-1)
        h, w = (small.shape[0] // 8) * 8, (small.shape[1] // 8) * 8
        top, left = (small.shape[0] - h) // 2, (small.shape[1] - w) // 2
        crop = small[top:top + h, left:left + w]
        out = np.clip(np.round(crop * 255.0), 0, 255).astype(np.uint8)
        io.imsave(os.path.join(here, name + ".png"), out, check_contrast=False)
        print(name, out.shape)


if __name__ == "__main__":
    main()
