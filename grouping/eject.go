package grouping

// Ejection chains: a person joins a time by pushing out someone who can go to another time,
// who may push out someone else, and so on until a time with room ends the chain. For a fixed
// number of circles per time these chains are exactly the augmenting paths of a flow (people →
// organization at a time → time), so when no chain places anyone the times hold as many
// people as they can; the search in pack.go changes the circles per time around that.

// hop is one link of a chain: person q goes to time t; parent is the hop q was pushed out by.
type hop struct {
	t, q, parent int32
}

// begin starts a new search: fresh marks and work counter.
func (pk *packer) begin() {
	pk.stamp++
	if pk.stamp == 1<<30 {
		clear(pk.seenT)
		clear(pk.seenP)
		clear(pk.seenQ)
		pk.stamp = 1
	}
	pk.spent += pk.work
	pk.work = 0
	pk.queue = pk.queue[:0]
}

// push queues q's times other than from (hop parent pushed q out of from).
func (pk *packer) push(q, from, parent int32) {
	pk.seenP[q] = pk.stamp
	for i, t := range pk.opts[q] {
		pk.work++
		if t == from || pk.k[t] == 0 {
			continue
		}
		if key := pk.qOpt[q][i]; key >= 0 {
			if pk.seenQ[key] == pk.stamp {
				continue
			}
			pk.seenQ[key] = pk.stamp
		} else if pk.seenT[t] == pk.stamp {
			continue
		}
		pk.queue = append(pk.queue, hop{t: t, q: q, parent: parent})
	}
}

// augment tries to place the unplaced person p by a chain; it reports success.
func (pk *packer) augment(p int32) bool {
	pk.begin()
	pk.push(p, -1, -1)
	for h := 0; h < len(pk.queue); h++ {
		if pk.workLimit > 0 && pk.work > pk.workLimit {
			return false
		}
		e := pk.queue[h]
		t, q := e.t, e.q
		if pk.fits(q, t) {
			pk.apply(int32(h))
			return true
		}
		switch {
		case pk.orgFull(q, t):
			// Only someone of q's organization leaving makes room for q.
			for _, j := range pk.mem[t] {
				if pk.org[j] == pk.org[q] && pk.seenP[j] != pk.stamp && !pk.clash(q, t, j) {
					pk.push(j, t, int32(h))
				}
			}
		case len(pk.mem[t]) < pk.hi(t):
			// Room, but q's keep-apart partner is in t's only circle: the partner must go.
			for _, j := range pk.av[q] {
				if pk.at[j] == t && pk.seenP[j] != pk.stamp && !pk.clash(q, t, j) {
					pk.push(j, t, int32(h))
				}
			}
		case pk.seenT[t] != pk.stamp:
			pk.seenT[t] = pk.stamp
			for _, j := range pk.mem[t] {
				if pk.seenP[j] != pk.stamp && !pk.clash(q, t, j) {
					pk.push(j, t, int32(h))
				}
			}
		}
	}
	return false
}

// apply carries out the chain ending at hop h, from its end back to the placed person.
func (pk *packer) apply(h int32) {
	for h >= 0 {
		e := pk.queue[h]
		pk.move(e.q, e.t)
		h = e.parent
	}
}

// need is a time that must gain one person in a pull; out leaves it for the parent's time.
type need struct {
	t, parent, out int32
}

// pull brings one more person to time t: someone unplaced, someone from a time above its
// lower bound, or someone whose time then pulls in turn. It reports whether it succeeded.
func (pk *packer) pull(t int32) bool {
	pk.begin()
	needs := append(pk.needs[:0], need{t: t, parent: -1, out: -1})
	defer func() { pk.needs = needs }()
	pk.seenT[t] = pk.stamp
	for h := 0; h < len(needs); h++ {
		u := needs[h].t
		surplus := int32(-1)
		for x, j := range pk.can[u] {
			pk.work++
			s := pk.at[j]
			if s == u || pk.seenP[j] == pk.stamp {
				continue
			}
			if q := pk.canQ[u][x]; q >= 0 && pk.oc[q] >= pk.k[u] || pk.clash(j, u, -1) {
				continue
			}
			if s < 0 {
				pk.pullChain(needs, int32(h), j)
				return true
			}
			if len(pk.mem[s]) > pk.lo(s) {
				if surplus < 0 {
					surplus = j
				}
			} else if pk.seenT[s] != pk.stamp {
				pk.seenT[s] = pk.stamp
				pk.seenP[j] = pk.stamp
				needs = append(needs, need{t: s, parent: int32(h), out: j})
			}
		}
		if surplus >= 0 {
			pk.pullChain(needs, int32(h), surplus)
			return true
		}
		if pk.workLimit > 0 && pk.work > pk.workLimit {
			return false
		}
	}
	return false
}

// pullChain moves j into need h's time and each need's leaver into its parent's time.
func (pk *packer) pullChain(needs []need, h, j int32) {
	pk.move(j, needs[h].t)
	for h >= 0 && needs[h].parent >= 0 {
		pk.move(needs[h].out, needs[needs[h].parent].t)
		h = needs[h].parent
	}
}
