/* Embed the solver in a C program: a numeric space asked as double arrays, a snapshot
 * taken halfway and restored, the best trial printed. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "arqonhpo.h"

#define CHECK(call)                                                            \
    do {                                                                       \
        ArqonStatus status_ = (call);                                          \
        if (status_ != ARQON_STATUS_OK) {                                      \
            fprintf(stderr, "%s: %s: %s\n", #call, arqon_status_name((int)status_), \
                    arqon_last_error());                                       \
            exit(1);                                                           \
        }                                                                      \
    } while (0)

/* The expensive measurement being tuned: a valley in (gain, offset). */
static double measure(const double *x) {
    return pow(log10(x[0]) - 0.5, 2) + pow(x[1] + 0.25, 2);
}

int main(void) {
    const char *config = "{\"seed\": 3, \"budget\": 50, \"space\": {"
                         "\"gain\": {\"type\": \"float\", \"low\": 0.1, \"high\": 100, \"log\": true},"
                         "\"offset\": {\"type\": \"float\", \"low\": -1, \"high\": 1}}}";
    ArqonSolver *solver = NULL;
    char *error = NULL;
    if (arqon_solver_new(config, &solver, &error) != ARQON_STATUS_OK) {
        /* The message names the field, e.g. space.gain.low. */
        fprintf(stderr, "bad config: %s\n", error);
        arqon_string_free(error);
        return 1;
    }
    double x[2];
    uint64_t id;
    for (int told = 0;; told++) {
        if (told == 25) { /* a checkpoint: the snapshot holds the whole state */
            char *snapshot = NULL;
            CHECK(arqon_snapshot(solver, &snapshot));
            CHECK(arqon_solver_free(solver));
            CHECK(arqon_solver_restore(snapshot, &solver, NULL));
            arqon_string_free(snapshot);
        }
        ArqonStatus status = arqon_ask_array(solver, &id, x, 2);
        if (status == ARQON_STATUS_DONE) break;
        CHECK(status);
        CHECK(arqon_tell(solver, id, measure(x)));
    }
    double best_x[2], best_value;
    CHECK(arqon_best_array(solver, &id, &best_value, best_x, 2));
    printf("C:   best trial %llu gain=%.4f offset=%.4f value=%.3g\n",
           (unsigned long long)id, best_x[0], best_x[1], best_value);
    CHECK(arqon_solver_free(solver));
    return 0;
}
