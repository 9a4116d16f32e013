package grouping

import (
	"math/rand/v2"
	"slices"

	"github.com/roundtable/roundtable/schedule"
)

// Placement comes before every soft goal, and it is a packing problem over weekly times: a
// time holding k circles needs between Min·k and Max·k people who can make it, at most k of
// them from one organization (when organizations are kept apart), and no keep-apart pair when
// it holds one circle only. Any such filling of times can be dealt into circles (see deal.go),
// and every formation is one (give each circle one of its common slots), so the most people a
// formation can place is the most a filling of times can hold. The packer below keeps such a
// filling: which time each person is at, and how many circles each time holds.

// packer is a filling of weekly times. People are numbered locally (0…len(who)−1) and times
// are the grid slots at least Min of them can make, numbered in week order.
type packer struct {
	md   *model
	who  []int32   // local person → index into md.people
	opts [][]int32 // local person → times they can make, ascending
	qOpt [][]int32 // local person → for each of opts, the id of (their organization, that time), −1 for no organization
	can  [][]int32 // time → local people who can make it
	canQ [][]int32 // time → for each of can, the id of (their organization, the time), or −1
	slot []int     // time → bit of the slot in a SlotSet
	org  []int32   // local person → organization id, −1 when none or organizations may mix
	av   [][]int32 // local keep-apart lists

	at   []int32   // local person → time, −1 when not placed
	pos  []int32   // local person → index in mem[at]
	mem  [][]int32 // time → people placed there
	k    []int32   // time → circles
	oc   []int32   // (organization, time) id → people placed
	circ int       // circles in all
	cap  int       // most circles in all (Settings.Circles), 0 for no limit

	placed           int
	spent, gainSpent int // work of every chain search so far; at the last gain
	options          int // Σ of len(opts)
	log              []undo
	rng              *rand.Rand

	// Scratch of the searches in eject.go, stamped so they need no clearing.
	stamp            int32
	seenT, seenP     []int32
	seenQ            []int32
	work, workLimit  int
	queue            []hop
	needs            []need
	unplacedScratch  []int32
	candidateScratch []int32

	lv *levelPolish // the level bookkeeping while polishLevels runs, else nil
}

// undo is one change of the filling, replayed backwards to roll a step back.
type undo struct {
	p, from int32 // a person moved from time from (−1: unplaced); or p = −1: time from had k circles
	k       int32
}

// newPacker prepares the times the people people (indices into md.people) can make.
func newPacker(md *model, people []int32, seed uint64) *packer {
	pk := &packer{md: md, who: people, rng: rand.New(rand.NewPCG(seed, 0x9ac4))}
	pk.cap = md.s.Circles
	var count [schedule.NumSlots]int32
	for _, i := range people {
		md.slots[i].Each(func(sl schedule.Slot) bool {
			count[slotIndex(sl)]++
			return true
		})
	}
	id := make([]int32, schedule.NumSlots)
	for b := range id {
		id[b] = -1
		if int(count[b]) >= md.s.Min {
			id[b] = int32(len(pk.slot))
			pk.slot = append(pk.slot, b)
		}
	}
	T, n := len(pk.slot), len(people)
	pk.can = make([][]int32, T)
	pk.canQ = make([][]int32, T)
	pk.opts = make([][]int32, n)
	pk.org = make([]int32, n)
	pk.qOpt = make([][]int32, n)
	qids := map[int64]int32{}
	local := make(map[int32]int32, n)
	for p, i := range people {
		local[i] = int32(p)
		pk.org[p] = -1
		if md.s.SeparateOrganizations {
			pk.org[p] = md.v(int(i), attrOrg)
		}
		md.slots[i].Each(func(sl schedule.Slot) bool {
			if t := id[slotIndex(sl)]; t >= 0 {
				pk.opts[p] = append(pk.opts[p], t)
				pk.can[t] = append(pk.can[t], int32(p))
				q := int32(-1)
				if o := pk.org[p]; o >= 0 {
					var ok bool
					if q, ok = qids[orgKey(t, o)]; !ok {
						q = int32(len(qids))
						qids[orgKey(t, o)] = q
					}
				}
				pk.qOpt[p] = append(pk.qOpt[p], q)
				pk.canQ[t] = append(pk.canQ[t], q)
			}
			return true
		})
	}
	pk.av = make([][]int32, n)
	for p, i := range people {
		for _, j := range md.avoid[i] {
			if q, ok := local[j]; ok {
				pk.av[p] = append(pk.av[p], q)
			}
		}
	}
	for _, o := range pk.opts {
		pk.options += len(o)
	}
	pk.at = make([]int32, n)
	pk.pos = make([]int32, n)
	for p := range pk.at {
		pk.at[p] = -1
	}
	pk.mem = make([][]int32, T)
	pk.k = make([]int32, T)
	pk.seenT = make([]int32, T)
	pk.seenP = make([]int32, n)
	pk.oc = make([]int32, len(qids))
	pk.seenQ = make([]int32, len(qids))
	return pk
}

func orgKey(t, o int32) int64 { return int64(t)<<32 | int64(uint32(o)) }

// lo and hi are the number of people time t must and may hold.
func (pk *packer) lo(t int32) int { return pk.md.s.Min * int(pk.k[t]) }
func (pk *packer) hi(t int32) int { return pk.md.s.Max * int(pk.k[t]) }

// qid is the id of (p's organization, time t), −1 when p has none; p must be able to make t.
func (pk *packer) qid(p, t int32) int32 {
	if pk.org[p] < 0 {
		return -1
	}
	i, _ := slices.BinarySearch(pk.opts[p], t)
	return pk.qOpt[p][i]
}

// orgFull reports whether p's organization already has one member per circle at t.
func (pk *packer) orgFull(p, t int32) bool {
	q := pk.qid(p, t)
	return q >= 0 && pk.oc[q] >= pk.k[t]
}

// clash reports whether p would share t's only circle with someone to be kept apart from,
// other than skip.
func (pk *packer) clash(p, t, skip int32) bool {
	if pk.k[t] != 1 {
		return false
	}
	for _, q := range pk.av[p] {
		if q != skip && pk.at[q] == t {
			return true
		}
	}
	return false
}

// fits reports whether p can join t as it is.
func (pk *packer) fits(p, t int32) bool {
	return pk.k[t] > 0 && len(pk.mem[t]) < pk.hi(t) && !pk.orgFull(p, t) && !pk.clash(p, t, -1)
}

// move puts p at time t (−1: unplaced), logging the change.
func (pk *packer) move(p, t int32) {
	from := pk.at[p]
	if from == t {
		return
	}
	pk.log = append(pk.log, undo{p: p, from: from})
	pk.shift(p, t)
}

// shift moves p without logging.
func (pk *packer) shift(p, t int32) {
	from := pk.at[p]
	if from >= 0 {
		m := pk.mem[from]
		last := m[len(m)-1]
		m[pk.pos[p]] = last
		pk.pos[last] = pk.pos[p]
		pk.mem[from] = m[:len(m)-1]
		if q := pk.qid(p, from); q >= 0 {
			pk.oc[q]--
		}
		pk.placed--
	}
	if t >= 0 {
		pk.pos[p] = int32(len(pk.mem[t]))
		pk.mem[t] = append(pk.mem[t], p)
		if q := pk.qid(p, t); q >= 0 {
			pk.oc[q]++
		}
		pk.placed++
	}
	pk.at[p] = t
	if pk.lv != nil {
		pk.lv.moved(p, from, t)
	}
}

// setK sets the circles of time t, logging the change.
func (pk *packer) setK(t, k int32) {
	pk.log = append(pk.log, undo{p: -1, from: t, k: pk.k[t]})
	pk.circ += int(k - pk.k[t])
	pk.k[t] = k
	if pk.lv != nil {
		pk.lv.touch(t)
	}
}

// rollback undoes the log back to length mark.
func (pk *packer) rollback(mark int) {
	for x := len(pk.log) - 1; x >= mark; x-- {
		u := pk.log[x]
		if u.p < 0 {
			pk.circ += int(u.k - pk.k[u.from])
			pk.k[u.from] = u.k
			if pk.lv != nil {
				pk.lv.touch(u.from)
			}
		} else {
			pk.shift(u.p, u.from)
		}
	}
	pk.log = pk.log[:mark]
}
