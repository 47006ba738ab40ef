// Boost.JSON compiled from its sources into the fuzz build, so the parser the decoders sit behind
// is instrumented too (sanitizers and coverage) instead of the distribution's prebuilt library.
#include <boost/json/src.hpp>
