package cube

import (
	"sort"

	"github.com/lattice-olap/lattice/pgerr"
)

// enumerateLimit bounds how many cuboids Enumerate lists before it only
// counts: a definition past it is rejected anyway.
const enumerateLimit = 1 << 20

// Enumerate lists the cuboids of the definition: every combination of
// dimensions without aggregation groups, otherwise the union of what each
// group allows, plus the base cuboid. When there would be more than max it
// fails with 54000 and the count (an estimate past a million).
func (d *Def) Enumerate(max int) ([]Cuboid, error) {
	n := len(d.Dimensions)
	if n > 63 {
		return nil, pgerr.New(pgerr.ProgramLimitExceeded, "a cube has at most 63 dimensions, cube %q has %d", d.Name, n)
	}
	set := map[Cuboid]bool{d.Base(): true}
	if len(d.Groups) == 0 {
		count := uint64(1) << n
		if count > uint64(max) {
			return nil, tooMany(d.Name, count, max)
		}
		for c := Cuboid(0); uint64(c) < count; c++ {
			set[c] = true
		}
	} else {
		var bound uint64 = 1
		for _, g := range d.Groups {
			b, err := d.groupBound(g)
			if err != nil {
				return nil, err
			}
			bound += b
		}
		if bound > enumerateLimit {
			return nil, tooMany(d.Name, bound, max)
		}
		for _, g := range d.Groups {
			d.groupCuboids(g, set)
		}
		if len(set) > max {
			return nil, tooMany(d.Name, uint64(len(set)), max)
		}
	}
	out := make([]Cuboid, 0, len(set))
	for c := range set {
		out = append(out, c)
	}
	// Base first, then by decreasing size, so that every cuboid comes after
	// its possible parents.
	sort.Slice(out, func(i, j int) bool {
		li, lj := out[i].Len(), out[j].Len()
		if li != lj {
			return li > lj
		}
		return out[i] < out[j]
	})
	return out, nil
}

func tooMany(name string, count uint64, max int) error {
	return pgerr.New(pgerr.ProgramLimitExceeded, "cube %q would have %d cuboids, more than lattice.cube.max-cuboids (%d)", name, count, max).
		WithHint("Add AGGREGATION GROUP clauses with MANDATORY, HIERARCHY and JOINT rules to prune the cuboids, or raise lattice.cube.max-cuboids.")
}

// groupParts resolves a group's dimension names to indexes and splits
// them into mandatory, hierarchies, joints and the free rest.
func (d *Def) groupParts(g Group) (includes, mandatory Cuboid, hier, joints [][]int, free []int, err error) {
	idx := func(name string) (int, error) {
		i := d.Dimension(name)
		if i < 0 {
			return 0, pgerr.New(pgerr.UndefinedColumn, "aggregation group of cube %q names %q, which is not one of its dimensions", d.Name, name)
		}
		return i, nil
	}
	for _, name := range g.Includes {
		i, err := idx(name)
		if err != nil {
			return 0, 0, nil, nil, nil, err
		}
		includes |= 1 << i
	}
	used := Cuboid(0)
	claim := func(name, rule string) (int, error) {
		i, err := idx(name)
		if err != nil {
			return 0, err
		}
		if includes&(1<<i) == 0 {
			return 0, pgerr.New(pgerr.InvalidObjectDefinition, "%s dimension %q of cube %q is not in its aggregation group", rule, name, d.Name)
		}
		if used&(1<<i) != 0 {
			return 0, pgerr.New(pgerr.InvalidObjectDefinition, "dimension %q of cube %q appears in more than one MANDATORY, HIERARCHY or JOINT rule of one aggregation group", name, d.Name)
		}
		used |= 1 << i
		return i, nil
	}
	for _, name := range g.Mandatory {
		i, err := claim(name, "MANDATORY")
		if err != nil {
			return 0, 0, nil, nil, nil, err
		}
		mandatory |= 1 << i
	}
	for _, h := range g.Hierarchies {
		var dims []int
		for _, name := range h {
			i, err := claim(name, "HIERARCHY")
			if err != nil {
				return 0, 0, nil, nil, nil, err
			}
			dims = append(dims, i)
		}
		hier = append(hier, dims)
	}
	for _, j := range g.Joints {
		var dims []int
		for _, name := range j {
			i, err := claim(name, "JOINT")
			if err != nil {
				return 0, 0, nil, nil, nil, err
			}
			dims = append(dims, i)
		}
		joints = append(joints, dims)
	}
	for _, i := range includes.Dims() {
		if used&(1<<i) == 0 {
			free = append(free, i)
		}
	}
	return includes, mandatory, hier, joints, free, nil
}

// groupBound is the number of cuboids a group allows.
func (d *Def) groupBound(g Group) (uint64, error) {
	_, _, hier, joints, free, err := d.groupParts(g)
	if err != nil {
		return 0, err
	}
	if len(free)+len(joints) > 40 {
		return 1 << 40, nil
	}
	b := uint64(1) << (len(free) + len(joints))
	for _, h := range hier {
		b *= uint64(len(h) + 1)
		if b > 1<<40 {
			return 1 << 40, nil
		}
	}
	return b, nil
}

// groupCuboids adds the group's cuboids to set.
func (d *Def) groupCuboids(g Group, set map[Cuboid]bool) {
	_, mandatory, hier, joints, free, _ := d.groupParts(g)
	// Choices: each free dimension in or out, each joint in or out, each
	// hierarchy one of its prefixes.
	var options [][]Cuboid
	for _, i := range free {
		options = append(options, []Cuboid{0, 1 << i})
	}
	for _, j := range joints {
		var all Cuboid
		for _, i := range j {
			all |= 1 << i
		}
		options = append(options, []Cuboid{0, all})
	}
	for _, h := range hier {
		prefixes := []Cuboid{0}
		var acc Cuboid
		for _, i := range h {
			acc |= 1 << i
			prefixes = append(prefixes, acc)
		}
		options = append(options, prefixes)
	}
	var walk func(k int, c Cuboid)
	walk = func(k int, c Cuboid) {
		if k == len(options) {
			set[c] = true
			return
		}
		for _, o := range options[k] {
			walk(k+1, c|o)
		}
	}
	walk(0, mandatory)
}

// Parent picks, among built cuboids, the one with the fewest rows that
// holds every dimension of c (other than c itself).
func Parent(c Cuboid, built map[Cuboid]int64) (Cuboid, bool) {
	best, found := Cuboid(0), false
	for p, rows := range built {
		if p == c || !p.Has(c) {
			continue
		}
		if !found || rows < built[best] || (rows == built[best] && p.Len() < best.Len()) {
			best, found = p, true
		}
	}
	return best, found
}
