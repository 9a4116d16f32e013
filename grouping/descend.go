package grouping

import "context"

// descendUpTo is the most circles descend works on: a pass tries every member against every
// other circle, which small programs afford and large ones do not.
const descendUpTo = 200

// descendPasses bounds the passes of descend.
const descendPasses = 50

// descend ends a run of the annealing at a local optimum: for each member in turn, the best
// move to another circle with room or swap with a member of another circle, made when it
// raises the objective, pass after pass until a pass changes nothing. The annealing's last,
// coldest rounds come near one; descend reaches it, so that a short budget (one run, cooled
// fast) lands where long runs do rather than a little below. Moves keep every circle within the
// sizes, so nobody loses a seat.
func (s *state) descend(ctx context.Context) {
	md := s.md
	if len(s.cs) > descendUpTo {
		return
	}
	lo, hi := md.s.Min, md.s.Max
	for pass := 0; pass < descendPasses && ctx.Err() == nil; pass++ {
		improved := false
		for g, c := range s.cs {
			for xi := 0; xi < len(c.mem); xi++ {
				x := c.mem[xi]
				bestD, bh, by := epsilon, -1, int32(-1)
				for h, d := range s.cs {
					if h == g || len(d.mem) == 0 {
						continue
					}
					if len(c.mem) > lo && len(d.mem) < hi && (d.st.noSlot || meets(&d.common, &md.slots[x])) {
						if delta := md.moveDelta(c, d, x); delta > bestD {
							bestD, bh, by = delta, h, -1
						}
					}
					for _, y := range d.mem {
						if !d.st.noSlot && !meets(md.withoutPtr(d, y), &md.slots[x]) {
							continue
						}
						if delta := md.swapDelta(c, d, x, y); delta > bestD {
							bestD, bh, by = delta, h, y
						}
					}
				}
				if bh < 0 {
					continue
				}
				md.apply(c, x, by)
				md.apply(s.cs[bh], by, x)
				improved = true
				xi-- // the member now at xi (the one swapped in, or the next) is tried next
			}
		}
		if !improved {
			return
		}
	}
}
