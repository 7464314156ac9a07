#include <math.h>
#include <stdio.h>

#include "arqonhpo.h"

int main(void) {
    const char *config = "{\"seed\": 0, \"budget\": 40, \"space\": {"
                         "\"lr\": {\"type\": \"float\", \"low\": 1e-4, \"high\": 1, \"log\": true},"
                         "\"layers\": {\"type\": \"int\", \"low\": 1, \"high\": 8}}}";
    ArqonSolver *solver = NULL;
    char *error = NULL;
    if (arqon_solver_new(config, &solver, &error) != ARQON_STATUS_OK) {
        fprintf(stderr, "%s\n", error);
        arqon_string_free(error);
        return 1;
    }
    uint64_t id;
    double x[2]; /* lr, layers: in the order of the config's space */
    while (arqon_ask_array(solver, &id, x, 2) == ARQON_STATUS_OK) {
        double loss = pow(x[0] - 0.01, 2) * 1e3 + 0.05 * pow(x[1] - 3, 2);
        arqon_tell(solver, id, loss);
    }
    double value;
    arqon_best_array(solver, &id, &value, x, 2);
    printf("best trial %llu: lr=%.5f layers=%.0f loss=%.3g\n", (unsigned long long)id,
           x[0], x[1], value);
    arqon_solver_free(solver);
    return 0;
}
