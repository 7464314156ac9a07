import sys

lr, layers = float(sys.argv[1]), int(sys.argv[2])
print((lr - 0.01) ** 2 * 1e3 + 0.05 * (layers - 3) ** 2)
