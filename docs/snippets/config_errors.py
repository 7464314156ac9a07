import arqonhpo as aq

try:
    aq.ArqonSolver({"lr": aq.Float(1.0, 0.1, log=True)}, budget=0)
except aq.ConfigError as err:
    print(err)
    print(err.issues)
