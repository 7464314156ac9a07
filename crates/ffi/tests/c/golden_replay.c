/*
 * golden_replay.c - replays a golden run through the C ABI (driven by tests/c_abi.rs).
 *
 * Usage: golden_replay json|array
 * stdin: the config JSON on the first line, then one line per trial: `value <number>` or
 * `failed`, the results to tell, in order.
 * stdout: per trial, `trial <id> <params>`: the params JSON object (json mode) or the
 * doubles in space order printed with %.17g (array mode, exact for doubles); then `done`
 * once the solver reports ARQON_STATUS_DONE. The Rust test compares them with the golden
 * file. A status other than OK/DONE is printed as `status <name> <message>` (exit 2).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arqonhpo.h"

static int report(ArqonStatus status) {
    printf("status %s %s\n", arqon_status_name((int)status), arqon_last_error());
    return 2;
}

int main(int argc, char **argv) {
    if (argc != 2 || (strcmp(argv[1], "json") != 0 && strcmp(argv[1], "array") != 0)) {
        fprintf(stderr, "usage: golden_replay json|array < steps\n");
        return 64;
    }
    int array_mode = strcmp(argv[1], "array") == 0;
    char *line = NULL;
    size_t cap = 0;
    if (getline(&line, &cap, stdin) < 0) {
        fprintf(stderr, "no config line on stdin\n");
        return 64;
    }

    ArqonSolver *solver = NULL;
    ArqonStatus status = arqon_solver_new(line, &solver, NULL);
    if (status != ARQON_STATUS_OK) {
        free(line);
        return report(status);
    }
    size_t n = 0;
    status = arqon_param_count(solver, &n);
    double *values = calloc(n ? n : 1, sizeof *values);

    int rc = 0;
    while (status == ARQON_STATUS_OK) {
        uint64_t id = 0;
        if (array_mode) {
            status = arqon_ask_array(solver, &id, values, n);
            if (status != ARQON_STATUS_OK) {
                break;
            }
            printf("trial %llu", (unsigned long long)id);
            for (size_t i = 0; i < n; i++) {
                printf(" %.17g", values[i]);
            }
            printf("\n");
        } else {
            char *params = NULL;
            status = arqon_ask(solver, &id, &params);
            if (status != ARQON_STATUS_OK) {
                break;
            }
            printf("trial %llu %s\n", (unsigned long long)id, params);
            arqon_string_free(params);
        }

        if (getline(&line, &cap, stdin) < 0) {
            fprintf(stderr, "no result line for trial %llu\n", (unsigned long long)id);
            rc = 3;
            break;
        }
        if (strncmp(line, "failed", 6) == 0) {
            status = arqon_tell_failed(solver, id, "golden failure");
        } else if (strncmp(line, "value ", 6) == 0) {
            status = arqon_tell(solver, id, strtod(line + 6, NULL));
        } else {
            fprintf(stderr, "bad result line: %s", line);
            rc = 64;
            break;
        }
    }
    if (rc == 0) {
        if (status == ARQON_STATUS_DONE) {
            printf("done\n");
        } else {
            rc = report(status);
        }
    }
    free(values);
    free(line);
    arqon_solver_free(solver);
    return rc;
}
