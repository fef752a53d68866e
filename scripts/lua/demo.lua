-- demo.lua — what `make demo` runs: the window's tour of the 4 GiB space,
-- then the unrestricted-4GB suite, in one boot, so one log shows both.
k.mark("demo: window tour")
dofile("window_tour.lua")
k.mark("demo: 4 GiB suite")
dofile("run_4gb_tests.lua")
