module tracia-example

go 1.19
