"""Run by the CLI once per trial: reads its parameters, works, prints a loss."""

import sys
import time

lr, depth = float(sys.argv[1]), int(sys.argv[2])
time.sleep(0.05)  # stands in for minutes of training
print(f"loss {(lr - 0.03) ** 2 * 100 + 0.1 * (depth - 7) ** 2}")
