// Embed the solver in C++: a small RAII wrapper owns the handle and turns status
// codes into exceptions; the loop is the same as in C and gives the same trials.
#include <cmath>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "arqonhpo.h"

class Solver {
  public:
    explicit Solver(const std::string &config) {
        ArqonSolver *raw = nullptr;
        check(arqon_solver_new(config.c_str(), &raw, nullptr));
        handle_.reset(raw);
        size_t n = 0;
        check(arqon_param_count(handle_.get(), &n));
        x_.resize(n);
    }
    // The next trial's id and parameters, or false once the budget is handed out.
    bool ask(uint64_t &id, std::vector<double> &x) {
        ArqonStatus status = arqon_ask_array(handle_.get(), &id, x_.data(), x_.size());
        if (status == ARQON_STATUS_DONE) return false;
        check(status);
        x = x_;
        return true;
    }
    void tell(uint64_t id, double value) { check(arqon_tell(handle_.get(), id, value)); }
    double best(uint64_t &id, std::vector<double> &x) {
        double value = 0;
        x.resize(x_.size());
        check(arqon_best_array(handle_.get(), &id, &value, x.data(), x.size()));
        return value;
    }

  private:
    static void check(ArqonStatus status) {
        if (status != ARQON_STATUS_OK)
            throw std::runtime_error(std::string(arqon_status_name(status)) + ": " +
                                     arqon_last_error());
    }
    struct Free {
        void operator()(ArqonSolver *s) const { arqon_solver_free(s); }
    };
    std::unique_ptr<ArqonSolver, Free> handle_;
    std::vector<double> x_;
};

int main() {
    Solver solver(R"({"seed": 3, "budget": 50, "space": {
        "gain": {"type": "float", "low": 0.1, "high": 100, "log": true},
        "offset": {"type": "float", "low": -1, "high": 1}}})");
    uint64_t id;
    std::vector<double> x;
    while (solver.ask(id, x))
        solver.tell(id, std::pow(std::log10(x[0]) - 0.5, 2) + std::pow(x[1] + 0.25, 2));
    double value = solver.best(id, x);
    std::printf("C++: best trial %llu gain=%.4f offset=%.4f value=%.3g\n",
                (unsigned long long)id, x[0], x[1], value);
    try {
        Solver bad(R"({"budget": 0, "space": {}})");
    } catch (const std::exception &err) {
        std::printf("bad config -> %s\n", err.what());
    }
}
