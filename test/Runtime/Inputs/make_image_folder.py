"""Writes a tiny image-folder dataset (two classes of 6x6 PPM images, a
train/ and a val/ split) and a .nas search whose image size is a decision.

usage: make_image_folder.py DIR
"""
import os
import random
import sys

out = sys.argv[1]
rng = random.Random(0)
for split, n in (("train", 12), ("val", 4)):
    for cls, base in (("dark", 40), ("light", 200)):
        os.makedirs(os.path.join(out, "images", split, cls), exist_ok=True)
        for i in range(n):
            pixels = bytes(max(0, min(255, base + rng.randint(-30, 30))) for _ in range(6 * 6 * 3))
            with open(os.path.join(out, "images", split, cls, f"{i}.ppm"), "wb") as f:
                f.write(b"P6\n6 6\n255\n" + pixels)
with open(os.path.join(out, "resolution.nas"), "w") as f:
    f.write(f"""import "std/ops";
import "std/search";

network Net(res: int = 8) {{
  input image: tensor(3, res, res);
  choice w: [4, 8];
  output image |> conv_bn_relu(w) |> global_avg_pool |> linear(2);
}}

// The images are resized to the resolution the architecture takes.
search Resolution {{
  choice res: [8, 12];
  space = Net(res=res);
  dataset = image_folder(root="{out}/images", size=res);
  estimator = low_fidelity(epochs=1);
  optimizer = sgd(lr=0.05, batch_size=8);
  strategy = grid();
  evaluations = 4;
  maximize accuracy;
}}
""")
