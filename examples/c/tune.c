/*
 * tune.c - tune a function with ArqonHPO from C.
 *
 * The objective is a stand-in for an expensive evaluation: a shifted quadratic bowl over a
 * learning rate (searched on a log scale), a momentum and an integer layer count. The
 * program asks for trials as plain double arrays, tells each result, then prints the best
 * trial. Trials whose evaluation "crashes" are reported with arqon_tell_failed.
 *
 * Build (from the repository root, after `cargo build -p arqonhpo-ffi --release`):
 *   cc -Icrates/ffi/include examples/c/tune.c -Ltarget/release -larqonhpo \
 *      -Wl,-rpath,"$PWD/target/release" -lm -o tune
 * Run: ./tune (from any directory: the rpath is absolute)
 * Exit status 0 on success, 1 on any library error (the message is printed).
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "arqonhpo.h"

/* Prints the library's message and leaves when a call fails. */
static void check(ArqonStatus status, const char *what) {
    if (status != ARQON_STATUS_OK) {
        fprintf(stderr, "%s failed: %s: %s\n", what, arqon_status_name((int)status), arqon_last_error());
        exit(1);
    }
}

/* The function to minimize; sets *crashed for settings a real job would not survive. */
static double objective(const double *x, int *crashed) {
    double log_lr = log10(x[0]), momentum = x[1], layers = x[2];
    *crashed = momentum > 0.98; /* diverges */
    return (log_lr + 2.5) * (log_lr + 2.5) + 4.0 * (momentum - 0.9) * (momentum - 0.9) +
           0.1 * (layers - 3.0) * (layers - 3.0);
}

int main(void) {
    const char *config =
        "{"
        "  \"seed\": 42,"
        "  \"budget\": 60,"
        "  \"space\": {"
        "    \"lr\":       {\"type\": \"float\", \"low\": 1e-5, \"high\": 1.0, \"log\": true},"
        "    \"momentum\": {\"type\": \"float\", \"low\": 0.0, \"high\": 0.999},"
        "    \"layers\":   {\"type\": \"int\", \"low\": 1, \"high\": 8}"
        "  }"
        "}";

    ArqonSolver *solver = NULL;
    char *error = NULL; /* on failure: the message, owned by us */
    if (arqon_solver_new(config, &solver, &error) != ARQON_STATUS_OK) {
        fprintf(stderr, "invalid config: %s\n", error);
        arqon_string_free(error);
        return 1;
    }

    size_t n = 0;
    check(arqon_param_count(solver, &n), "arqon_param_count");
    double *x = calloc(n, sizeof *x);
    if (x == NULL) {
        return 1;
    }

    printf("arqonhpo %s, %zu parameters\n", arqon_version(), n);
    for (;;) {
        uint64_t id = 0;
        ArqonStatus status = arqon_ask_array(solver, &id, x, n);
        if (status == ARQON_STATUS_DONE) {
            break; /* the whole budget has been handed out */
        }
        check(status, "arqon_ask_array");
        int crashed = 0;
        double value = objective(x, &crashed);
        if (crashed) {
            check(arqon_tell_failed(solver, id, "diverged"), "arqon_tell_failed");
            printf("trial %llu failed\n", (unsigned long long)id);
        } else {
            check(arqon_tell(solver, id, value), "arqon_tell");
            printf("trial %llu value %.17g\n", (unsigned long long)id, value);
        }
    }

    uint64_t best_id = 0;
    double best_value = 0.0;
    char *best_params = NULL; /* owned by us: freed with arqon_string_free */
    check(arqon_best(solver, &best_id, &best_value, &best_params), "arqon_best");
    printf("best trial %llu value %.17g params %s\n", (unsigned long long)best_id, best_value, best_params);
    arqon_string_free(best_params);

    free(x);
    check(arqon_solver_free(solver), "arqon_solver_free");
    return 0;
}
