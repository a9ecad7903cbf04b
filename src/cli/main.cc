#include "cli/app.h"

int main(int argc, char** argv) { return amity::cli::Main(argc, argv); }
