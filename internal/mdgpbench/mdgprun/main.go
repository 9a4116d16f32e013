// Command mdgprun is a throwaway development driver for package mdgpbench.
package main

import (
	"context"
	"fmt"

	"flag"
	"github.com/roundtable/roundtable/grouping"
	"log"
	"os"
	"time"

	"github.com/roundtable/roundtable/internal/mdgpbench"
)

func main() {
	filter := flag.String("filter", "RanReal_n120_ss_01", "")
	seeds := flag.Int("seeds", 1, "")
	secs := flag.Float64("seconds", 0, "")
	iters := flag.Int64("iterations", 0, "")
	workers := flag.Int("workers", 0, "")
	flag.Parse()
	rs, err := mdgpbench.Run(context.Background(), mdgpbench.Config{
		Dir: "/work/shared/bench/mdgp", Filter: *filter, Seeds: *seeds,
		Time: time.Duration(*secs * float64(time.Second)), Iterations: *iters, Workers: *workers,
		Progress: os.Stderr,
	})
	if err != nil {
		log.Fatal(err)
	}
	mdgpbench.WriteTable(os.Stdout, rs)
}

func init() {
	if len(os.Args) > 2 && os.Args[1] == "one" {
		a, v, err := mdgpbench.SolveFile(context.Background(), os.Args[2], grouping.Options{Seed: 1, Time: time.Duration(secs()) * time.Second})
		if err != nil {
			log.Fatal(err)
		}
		for _, g := range a {
			fmt.Println(g)
		}
		fmt.Fprintf(os.Stderr, "objective=%.3f\n", v)
		os.Exit(0)
	}
}

func secs() int {
	if len(os.Args) > 3 {
		var s int
		fmt.Sscan(os.Args[3], &s)
		return s
	}
	return 3
}
