# Build the C and C++ programs against the library and run them.
# ARQONHPO is your clone of the repository; ARQONHPO_LIB the directory holding libarqonhpo
# (after `cargo build --release -p arqonhpo-ffi`: $ARQONHPO/target/release).
set -euo pipefail
ARQONHPO=${ARQONHPO:-$HOME/arqonhpo}
LIB=${ARQONHPO_LIB:-$ARQONHPO/target/release}
LIB=$(cd "$LIB" && pwd)  # an absolute rpath: the binaries then run from any directory

cc -std=c99 -Wall -Wextra -Werror -I"$ARQONHPO/crates/ffi/include" embed.c \
    -L"$LIB" -larqonhpo -Wl,-rpath,"$LIB" -lm -o embed_c
c++ -std=c++17 -Wall -Wextra -Werror -I"$ARQONHPO/crates/ffi/include" embed.cpp \
    -L"$LIB" -larqonhpo -Wl,-rpath,"$LIB" -o embed_cpp

mkdir -p elsewhere && cd elsewhere   # prove they load outside the build directory
../embed_c
../embed_cpp
