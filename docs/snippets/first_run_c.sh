set -euo pipefail
# ARQONHPO: your clone; the library is built by `cargo build --release -p arqonhpo-ffi`.
ARQONHPO=${ARQONHPO:-$HOME/arqonhpo}
LIB=$(cd "${ARQONHPO_LIB:-$ARQONHPO/target/release}" && pwd)
cc -I"$ARQONHPO/crates/ffi/include" first_run.c \
    -L"$LIB" -larqonhpo -Wl,-rpath,"$LIB" -lm -o first_run
./first_run
