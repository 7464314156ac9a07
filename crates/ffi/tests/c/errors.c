/*
 * errors.c - wrong use of the C ABI, from C (run by tests/c_abi.rs, also under valgrind).
 *
 * Every misuse must return its documented status with a message naming the problem, set
 * string out-parameters to NULL, and leave the solver unchanged: solver A goes through every
 * error while its twin B (same config) does not, and both must then hand out the same
 * trials to the end. Prints `all error paths ok` and exits 0 on success; on the first
 * failed expectation it prints what was expected and exits 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arqonhpo.h"

static int failures = 0;

/* Checks the status and that the last error message contains `needle` (NULL: must be ""). */
static void expect(const char *call, ArqonStatus got, ArqonStatus want, const char *needle) {
    const char *message = arqon_last_error();
    if (got != want) {
        printf("FAIL %s: got %s, want %s (message: %s)\n", call, arqon_status_name((int)got),
               arqon_status_name((int)want), message);
        failures++;
    } else if (needle == NULL ? message[0] != '\0' : strstr(message, needle) == NULL) {
        printf("FAIL %s: message \"%s\" should %s \"%s\"\n", call, message,
               needle == NULL ? "be empty, not" : "contain", needle ? needle : "");
        failures++;
    }
}

static void expect_true(const char *what, int ok) {
    if (!ok) {
        printf("FAIL %s\n", what);
        failures++;
    }
}

static const char *CONFIG =
    "{\"seed\": 5, \"budget\": 24, \"space\": {"
    "\"x\": {\"type\": \"float\", \"low\": -2, \"high\": 2},"
    "\"n\": {\"type\": \"int\", \"low\": 1, \"high\": 9}}}";

static const char *MIXED =
    "{\"seed\": 5, \"budget\": 10, \"space\": {"
    "\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1},"
    "\"kernel\": {\"type\": \"choice\", \"choices\": [\"rbf\", \"linear\"]}}}";

static double objective(const char *params) {
    /* Any deterministic function of the text will do: both twins see the same one. */
    double h = 0;
    for (const char *p = params; *p; p++) {
        h = h * 31.0 + (unsigned char)*p;
        if (h > 1e6) {
            h -= 1e6;
        }
    }
    return h / 1e6;
}

static void config_errors(void) {
    ArqonSolver *s = (ArqonSolver *)&failures; /* must be overwritten with NULL */

    expect("new(bad bounds)",
           arqon_solver_new("{\"budget\": 10, \"space\": {\"lr\": {\"type\": \"float\", \"low\": 1, \"high\": 0.5}}}", &s, NULL),
           ARQON_STATUS_CONFIG, "space.lr");
    expect_true("failed new sets *out_solver to NULL", s == NULL);

    expect("new(budget 0)", arqon_solver_new("{\"budget\": 0, \"space\": {\"x\": {\"type\": \"float\", \"low\": 0, \"high\": 1}}}", &s, NULL),
           ARQON_STATUS_CONFIG, "budget");
    expect("new(unknown field)", arqon_solver_new("{\"budgte\": 10, \"space\": {}}", &s, NULL), ARQON_STATUS_JSON, "budgte");
    expect("new(syntax)", arqon_solver_new("{\"budget\": 10,\n \"space\": {", &s, NULL), ARQON_STATUS_JSON, "line 2");
    expect("new(NULL config)", arqon_solver_new(NULL, &s, NULL), ARQON_STATUS_NULL_POINTER, "config_json");
    expect("new(NULL out)", arqon_solver_new(CONFIG, NULL, NULL), ARQON_STATUS_NULL_POINTER, "out_solver");
    expect("new(invalid UTF-8)", arqon_solver_new("{\"budget\": 10, \"space\": {\"\xff\": 1}}", &s, NULL),
           ARQON_STATUS_INVALID_UTF8, "offset 26");
    expect_true("no solver after errors", s == NULL);
    expect("restore(garbage)", arqon_solver_restore("not a snapshot", &s, NULL), ARQON_STATUS_JSON, "line 1");
    expect("from_artifact(garbage)", arqon_solver_from_artifact("[]", &s, NULL), ARQON_STATUS_JSON, "artifact");
    expect("free(NULL)", arqon_solver_free(NULL), ARQON_STATUS_OK, NULL);

    /* The optional out_error receives an owned copy of the message, or NULL on success. */
    char *error = (char *)"sentinel";
    expect("new(bad bounds, out_error)",
           arqon_solver_new("{\"budget\": 10, \"space\": {\"lr\": {\"type\": \"int\", \"low\": 9, \"high\": 2}}}", &s, &error),
           ARQON_STATUS_CONFIG, "space.lr");
    expect_true("out_error holds the message", error != NULL && strcmp(error, arqon_last_error()) == 0);
    arqon_string_free(error);
    error = (char *)"sentinel";
    expect("restore(garbage, out_error)", arqon_solver_restore("{", &s, &error), ARQON_STATUS_JSON, "line 1");
    expect_true("restore's out_error holds the message", error != NULL && strstr(error, "arqon_solver_restore") == error);
    arqon_string_free(error);
    error = (char *)"sentinel";
    expect("new(ok, out_error)", arqon_solver_new(CONFIG, &s, &error), ARQON_STATUS_OK, NULL);
    expect_true("out_error is NULL on success", error == NULL && s != NULL);
    expect("free", arqon_solver_free(s), ARQON_STATUS_OK, NULL);
    arqon_string_free(NULL);
}

static void handle_errors(void) {
    uint64_t id = 0;
    char *json = NULL;
    int not_a_solver = 0;
    ArqonSolver *fake = (ArqonSolver *)&not_a_solver;

    expect("ask(NULL solver)", arqon_ask(NULL, &id, &json), ARQON_STATUS_NULL_POINTER, "solver");
    expect("tell(NULL solver)", arqon_tell(NULL, 0, 1.0), ARQON_STATUS_NULL_POINTER, "solver");
    expect("ask(foreign pointer)", arqon_ask(fake, &id, &json), ARQON_STATUS_INVALID_HANDLE, "not a live solver");
    expect("free(foreign pointer)", arqon_solver_free(fake), ARQON_STATUS_INVALID_HANDLE, "not a live solver");

    ArqonSolver *gone = NULL;
    expect("new", arqon_solver_new(CONFIG, &gone, NULL), ARQON_STATUS_OK, NULL);
    expect("free", arqon_solver_free(gone), ARQON_STATUS_OK, NULL);
    expect("ask(freed handle)", arqon_ask(gone, &id, &json), ARQON_STATUS_INVALID_HANDLE, "already freed");
    expect("free(freed handle)", arqon_solver_free(gone), ARQON_STATUS_INVALID_HANDLE, "already freed");
    expect_true("json stays NULL", json == NULL);
}

/* Misuses solver `a` in every way while it has pending trial `pending`. */
static void trial_errors(ArqonSolver *a, uint64_t pending) {
    uint64_t id = 777;
    double value = 0.0;
    double buf[3] = {0, 0, 0};
    char *json = (char *)"sentinel";
    size_t n = 0;

    expect("tell(unknown id)", arqon_tell(a, 99, 1.0), ARQON_STATUS_UNKNOWN_TRIAL, "unknown trial id 99");
    expect("tell_failed(unknown id)", arqon_tell_failed(a, 1000, NULL), ARQON_STATUS_UNKNOWN_TRIAL, "1000");
    expect("tell_failed(invalid UTF-8 reason)", arqon_tell_failed(a, pending, "bad \xc3\x28"), ARQON_STATUS_INVALID_UTF8, "reason");
    expect("ask(NULL id)", arqon_ask(a, NULL, &json), ARQON_STATUS_NULL_POINTER, "out_trial_id");
    expect_true("failed ask sets *out_params_json to NULL", json == NULL);
    expect("ask(NULL json)", arqon_ask(a, &id, NULL), ARQON_STATUS_NULL_POINTER, "out_params_json");
    expect("param_count", arqon_param_count(a, &n), ARQON_STATUS_OK, NULL);
    expect_true("two parameters", n == 2);
    expect("param_count(NULL out)", arqon_param_count(a, NULL), ARQON_STATUS_NULL_POINTER, "out_count");
    expect("ask_array(len too big)", arqon_ask_array(a, &id, buf, 3), ARQON_STATUS_BUFFER_SIZE, "`len` is 3");
    expect("ask_array(len too small)", arqon_ask_array(a, &id, buf, 1), ARQON_STATUS_BUFFER_SIZE, "2 parameters");
    expect("ask_array(NULL values)", arqon_ask_array(a, &id, NULL, 2), ARQON_STATUS_NULL_POINTER, "values");
    expect("best_array(len)", arqon_best_array(a, &id, &value, buf, 3), ARQON_STATUS_BUFFER_SIZE, "`len` is 3");
    expect("best(NULL value)", arqon_best(a, &id, NULL, &json), ARQON_STATUS_NULL_POINTER, "out_value");
    expect("param_name(out of range)", arqon_param_name(a, 2, &json), ARQON_STATUS_OUT_OF_RANGE, "index 2");
    expect_true("failed param_name sets NULL", json == NULL);
    expect("snapshot(NULL out)", arqon_snapshot(a, NULL), ARQON_STATUS_NULL_POINTER, "out_json");
    expect("artifact(NULL out)", arqon_artifact(a, NULL), ARQON_STATUS_NULL_POINTER, "out_json");
    expect_true("ids untouched by failed calls", id == 777);

    uint64_t issued = 0, told = 0;
    bool done = true;
    expect("progress", arqon_progress(a, &issued, &told, &done), ARQON_STATUS_OK, NULL);
    expect_true("no trial handed out by failed calls", issued == pending + 1 && told == pending && !done);
}

static void twins(void) {
    ArqonSolver *a = NULL, *b = NULL;
    expect("new A", arqon_solver_new(CONFIG, &a, NULL), ARQON_STATUS_OK, NULL);
    expect("new B", arqon_solver_new(CONFIG, &b, NULL), ARQON_STATUS_OK, NULL);

    uint64_t best_id = 0;
    double best_value = 0.0;
    char *json = (char *)"sentinel";
    expect("best before any result", arqon_best(a, &best_id, &best_value, &json), ARQON_STATUS_NO_RESULT, NULL);
    expect_true("no best sets NULL", json == NULL);

    int steps = 0;
    for (;;) {
        uint64_t ia = 0, ib = 0;
        char *pa = NULL, *pb = NULL;
        ArqonStatus sa = arqon_ask(a, &ia, &pa);
        ArqonStatus sb = arqon_ask(b, &ib, &pb);
        if (sa == ARQON_STATUS_DONE && sb == ARQON_STATUS_DONE) {
            break;
        }
        expect("ask A", sa, ARQON_STATUS_OK, NULL);
        expect("ask B", sb, ARQON_STATUS_OK, NULL);
        if (sa != ARQON_STATUS_OK || sb != ARQON_STATUS_OK) {
            break;
        }
        if (ia != ib || strcmp(pa, pb) != 0) {
            printf("FAIL step %d: A asked %llu %s, B asked %llu %s\n", steps, (unsigned long long)ia, pa,
                   (unsigned long long)ib, pb);
            failures++;
        }
        if (steps == 3 || steps == 11) {
            trial_errors(a, ia);
        }
        double v = objective(pa);
        if (steps % 5 == 4) {
            expect("tell_failed A", arqon_tell_failed(a, ia, "crashed"), ARQON_STATUS_OK, NULL);
            expect("tell_failed B", arqon_tell_failed(b, ib, NULL), ARQON_STATUS_OK, NULL);
            expect("tell_failed twice", arqon_tell_failed(a, ia, NULL), ARQON_STATUS_ALREADY_TOLD, "already told");
        } else {
            expect("tell A", arqon_tell(a, ia, v), ARQON_STATUS_OK, NULL);
            expect("tell B", arqon_tell(b, ib, v), ARQON_STATUS_OK, NULL);
            expect("tell twice", arqon_tell(a, ia, v), ARQON_STATUS_ALREADY_TOLD, "was already told");
        }
        arqon_string_free(pa);
        arqon_string_free(pb);
        steps++;
    }
    expect_true("the whole budget was handed out", steps == 24);

    /* After every misuse, A reached the same best as B. */
    uint64_t ida = 0, idb = 0;
    double va = 0, vb = 0;
    char *ja = NULL, *jb = NULL;
    expect("best A", arqon_best(a, &ida, &va, &ja), ARQON_STATUS_OK, NULL);
    expect("best B", arqon_best(b, &idb, &vb, &jb), ARQON_STATUS_OK, NULL);
    expect_true("same best", ida == idb && va == vb && ja && jb && strcmp(ja, jb) == 0);
    arqon_string_free(ja);
    arqon_string_free(jb);

    bool done = false;
    uint64_t issued = 0, told = 0;
    expect("progress", arqon_progress(a, &issued, &told, &done), ARQON_STATUS_OK, NULL);
    expect_true("done", done && issued == 24 && told == 24);
    expect("tell after done", arqon_tell(a, 24, 1.0), ARQON_STATUS_UNKNOWN_TRIAL, "0 to 23");
    expect("free A", arqon_solver_free(a), ARQON_STATUS_OK, NULL);
    expect("free B", arqon_solver_free(b), ARQON_STATUS_OK, NULL);
}

static void mixed_space(void) {
    ArqonSolver *m = NULL;
    uint64_t id = 0;
    double buf[2];
    char *json = NULL;
    expect("new mixed", arqon_solver_new(MIXED, &m, NULL), ARQON_STATUS_OK, NULL);
    expect("ask_array on choices", arqon_ask_array(m, &id, buf, 2), ARQON_STATUS_NOT_NUMERIC, "`kernel` is a choice");
    expect("ask json", arqon_ask(m, &id, &json), ARQON_STATUS_OK, NULL);
    expect_true("first trial is 0 (the failed array ask handed nothing out)", id == 0);
    expect_true("params name the choice", json && strstr(json, "\"kernel\":") != NULL);
    arqon_string_free(json);
    expect("free mixed", arqon_solver_free(m), ARQON_STATUS_OK, NULL);
}

/* snapshot/restore and artifact/from_artifact continue exactly like the original. */
static void resume(void) {
    ArqonSolver *a = NULL;
    expect("new", arqon_solver_new(CONFIG, &a, NULL), ARQON_STATUS_OK, NULL);
    uint64_t id = 0;
    char *json = NULL;
    for (int i = 0; i < 9; i++) {
        expect("ask", arqon_ask(a, &id, &json), ARQON_STATUS_OK, NULL);
        if (i != 8) { /* leave the last one pending */
            expect("tell", arqon_tell(a, id, objective(json)), ARQON_STATUS_OK, NULL);
        }
        arqon_string_free(json);
    }
    char *snapshot = NULL, *artifact = NULL;
    expect("snapshot", arqon_snapshot(a, &snapshot), ARQON_STATUS_OK, NULL);
    expect("artifact", arqon_artifact(a, &artifact), ARQON_STATUS_OK, NULL);
    ArqonSolver *r = NULL, *f = NULL;
    expect("restore", arqon_solver_restore(snapshot, &r, NULL), ARQON_STATUS_OK, NULL);
    expect("from_artifact", arqon_solver_from_artifact(artifact, &f, NULL), ARQON_STATUS_OK, NULL);
    arqon_string_free(snapshot);
    arqon_string_free(artifact);

    ArqonSolver *all[3] = {a, r, f};
    char *asked[3] = {NULL, NULL, NULL};
    for (int k = 0; k < 3; k++) {
        uint64_t kid = 0;
        expect("tell pending", arqon_tell(all[k], id, 0.5), ARQON_STATUS_OK, NULL);
        expect("ask after resume", arqon_ask(all[k], &kid, &asked[k]), ARQON_STATUS_OK, NULL);
    }
    expect_true("restored and replayed solvers ask what the original asks",
                asked[0] && asked[1] && asked[2] && strcmp(asked[0], asked[1]) == 0 && strcmp(asked[0], asked[2]) == 0);
    for (int k = 0; k < 3; k++) {
        arqon_string_free(asked[k]);
        expect("free", arqon_solver_free(all[k]), ARQON_STATUS_OK, NULL);
    }
}

int main(void) {
    expect_true("version is set", arqon_version()[0] != '\0');
    config_errors();
    handle_errors();
    twins();
    mixed_space();
    resume();
    if (failures > 0) {
        printf("%d failed expectations\n", failures);
        return 1;
    }
    printf("all error paths ok\n");
    return 0;
}
