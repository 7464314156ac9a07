"""The program being tuned: parameters from the command line, loss printed last."""

import sys

lr, layers, act = float(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
loss = (lr - 0.01) ** 2 * 100 + abs(layers - 3) + (0.5 if act == "tanh" else 0.0)
print(f"epoch 10 loss {loss}")
