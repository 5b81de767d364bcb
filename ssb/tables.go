package ssb

import (
	"fmt"
	"strconv"
	"time"
)

// The 25 TPC-H nations in nation-key order and the region of each.
var nations = []struct{ name, region string }{
	{"ALGERIA", "AFRICA"}, {"ARGENTINA", "AMERICA"}, {"BRAZIL", "AMERICA"},
	{"CANADA", "AMERICA"}, {"EGYPT", "MIDDLE EAST"}, {"ETHIOPIA", "AFRICA"},
	{"FRANCE", "EUROPE"}, {"GERMANY", "EUROPE"}, {"INDIA", "ASIA"},
	{"INDONESIA", "ASIA"}, {"IRAN", "MIDDLE EAST"}, {"IRAQ", "MIDDLE EAST"},
	{"JAPAN", "ASIA"}, {"JORDAN", "MIDDLE EAST"}, {"KENYA", "AFRICA"},
	{"MOROCCO", "AFRICA"}, {"MOZAMBIQUE", "AFRICA"}, {"PERU", "AMERICA"},
	{"CHINA", "ASIA"}, {"ROMANIA", "EUROPE"}, {"SAUDI ARABIA", "MIDDLE EAST"},
	{"VIETNAM", "ASIA"}, {"RUSSIA", "EUROPE"}, {"UNITED KINGDOM", "EUROPE"},
	{"UNITED STATES", "AMERICA"},
}

// Regions lists the five regions; Nations returns the nation names. Tests
// and docs use them to check value domains.
var Regions = []string{"AFRICA", "AMERICA", "ASIA", "EUROPE", "MIDDLE EAST"}

// Nations returns the 25 nation names.
func Nations() []string {
	out := make([]string, len(nations))
	for i, n := range nations {
		out[i] = n.name
	}
	return out
}

// City returns the SSB city name: the nation's first nine characters,
// space-padded, and a digit 0–9 ("UNITED KI1", "CHINA    3").
func City(nation string, digit int) string {
	return fmt.Sprintf("%-9.9s%d", nation, digit)
}

var (
	segments   = []string{"AUTOMOBILE", "BUILDING", "FURNITURE", "MACHINERY", "HOUSEHOLD"}
	priorities = []string{"1-URGENT", "2-HIGH", "3-MEDIUM", "4-NOT SPECI", "5-LOW"}
	shipModes  = []string{"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"}
	colors     = []string{"almond", "antique", "aquamarine", "azure", "beige", "bisque", "black",
		"blanched", "blue", "blush", "brown", "burlywood", "burnished", "chartreuse", "chiffon",
		"chocolate", "coral", "cornflower", "cornsilk", "cream", "cyan", "dark", "deep", "dim",
		"dodger", "drab", "firebrick", "floral", "forest", "frosted", "gainsboro", "ghost",
		"goldenrod", "green", "grey", "honeydew", "hot", "indian", "ivory", "khaki", "lace",
		"lavender", "lawn", "lemon", "light", "lime", "linen", "magenta", "maroon", "medium",
		"metallic", "midnight", "mint", "misty", "moccasin", "navajo", "navy", "olive", "orange",
		"orchid", "pale", "papaya", "peach", "peru", "pink", "plum", "powder", "puff", "purple",
		"red", "rose", "rosy", "royal", "saddle", "salmon", "sandy", "seashell", "sienna", "sky",
		"slate", "smoke", "snow", "spring", "steel", "tan", "thistle", "tomato", "turquoise",
		"violet", "wheat", "white", "yellow"}
	typeSize   = []string{"STANDARD", "SMALL", "MEDIUM", "LARGE", "ECONOMY", "PROMO"}
	typeFinish = []string{"ANODIZED", "BURNISHED", "PLATED", "POLISHED", "BRUSHED"}
	typeMetal  = []string{"TIN", "NICKEL", "BRASS", "STEEL", "COPPER"}
	contSize   = []string{"SM", "LG", "MED", "JUMBO", "WRAP"}
	contKind   = []string{"CASE", "BOX", "BAG", "JAR", "PKG", "PACK", "CAN", "DRUM"}
	months     = []string{"January", "February", "March", "April", "May", "June", "July",
		"August", "September", "October", "November", "December"}
)

func (g *Generator) dates(r *rowWriter) {
	for d := range DateCount {
		t := epoch.AddDate(0, 0, d)
		y, m, day := t.Date()
		next := t.AddDate(0, 0, 1)
		wd := t.Weekday() // Sunday = 0
		r.int(int64(y*10000 + int(m)*100 + day))
		r.str(t.Format(time.DateOnly))
		r.str(wd.String())
		r.str(months[m-1])
		r.int(int64(y))
		r.int(int64(y*100 + int(m)))
		r.str(months[m-1][:3] + strconv.Itoa(y))
		r.int(int64(wd) + 1)
		r.int(int64(day))
		r.int(int64(t.YearDay()))
		r.int(int64(m))
		r.int(int64((t.YearDay()-1)/7 + 1))
		r.str(season(m))
		r.int(flag(wd == time.Saturday))
		r.int(flag(next.Month() != m))
		r.int(flag(holiday(m, day)))
		r.int(flag(wd != time.Saturday && wd != time.Sunday))
		if !r.end() {
			return
		}
	}
}

func season(m time.Month) string {
	switch {
	case m == time.December:
		return "Christmas"
	case m <= time.February:
		return "Winter"
	case m <= time.April:
		return "Spring"
	case m <= time.August:
		return "Summer"
	}
	return "Fall"
}

// holiday marks the fixed-date holidays: New Year, Independence Day,
// Veterans Day, Christmas Eve and Christmas.
func holiday(m time.Month, d int) bool {
	switch {
	case m == time.January && d == 1, m == time.July && d == 4, m == time.November && d == 11,
		m == time.December && (d == 24 || d == 25):
		return true
	}
	return false
}

func flag(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// party writes the columns customer and supplier share: name, address, city,
// nation, region, phone.
func party(r *rowWriter, rnd *rng, kind string, key int, scratch []byte) []byte {
	n := rnd.intn(len(nations))
	r.int(int64(key))
	r.str(fmt.Sprintf("%s#%09d", kind, key))
	scratch = rnd.text(scratch, 10, 25)
	r.str(string(scratch))
	r.str(City(nations[n].name, rnd.intn(10)))
	r.str(nations[n].name)
	r.str(nations[n].region)
	r.str(fmt.Sprintf("%02d-%03d-%03d-%04d", n+10, rnd.between(100, 999), rnd.between(100, 999), rnd.between(1000, 9999)))
	return scratch
}

func (g *Generator) customers(r *rowWriter) {
	rnd := newRNG(g.Seed, "customer")
	var scratch []byte
	for k := 1; k <= g.counts.Customers; k++ {
		scratch = party(r, rnd, "Customer", k, scratch)
		r.str(rnd.pick(segments))
		if !r.end() {
			return
		}
	}
}

func (g *Generator) suppliers(r *rowWriter) {
	rnd := newRNG(g.Seed, "supplier")
	var scratch []byte
	for k := 1; k <= g.counts.Suppliers; k++ {
		scratch = party(r, rnd, "Supplier", k, scratch)
		if !r.end() {
			return
		}
	}
}

func (g *Generator) parts(r *rowWriter) {
	rnd := newRNG(g.Seed, "part")
	for k := 1; k <= g.counts.Parts; k++ {
		m, c, b := rnd.between(1, 5), rnd.between(1, 5), rnd.between(1, 40)
		r.int(int64(k))
		r.str(rnd.pick(colors) + " " + rnd.pick(colors))
		r.str("MFGR#" + strconv.Itoa(m))
		r.str(fmt.Sprintf("MFGR#%d%d", m, c))
		r.str(fmt.Sprintf("MFGR#%d%d%02d", m, c, b))
		r.str(rnd.pick(colors))
		r.str(rnd.pick(typeSize) + " " + rnd.pick(typeFinish) + " " + rnd.pick(typeMetal))
		r.int(int64(rnd.between(1, 50)))
		r.str(rnd.pick(contSize) + " " + rnd.pick(contKind))
		if !r.end() {
			return
		}
	}
}

// RetailPrice is a part's retail price in cents, as TPC-H and SSB define it.
func RetailPrice(partkey int) int64 {
	k := int64(partkey)
	return 90000 + (k/10)%20001 + 100*(k%1000)
}

// lastOrderDay is the last day offset an order may fall on: TPC-H's
// ENDDATE − 151 days, so that every commit date stays within 1998.
const lastOrderDay = DateCount - 1 - 151

type line struct {
	partkey, suppkey, quantity, discount, tax, commit int
	shipMode                                          string
	extended, revenue, supplyCost                     int64
}

func (g *Generator) lineorders(r *rowWriter) {
	rnd := newRNG(g.Seed, "lineorder")
	var lines [7]line
	for o := 1; o <= g.counts.Orders; o++ {
		cust := rnd.between(1, g.counts.Customers)
		day := rnd.between(0, lastOrderDay)
		priority := rnd.pick(priorities)
		n := rnd.between(1, 7)
		var total int64
		for i := range n {
			l := &lines[i]
			l.partkey = rnd.between(1, g.counts.Parts)
			l.suppkey = rnd.between(1, g.counts.Suppliers)
			l.quantity = rnd.between(1, 50)
			l.discount = rnd.between(0, 10)
			l.tax = rnd.between(0, 8)
			l.commit = day + rnd.between(30, 90)
			l.shipMode = rnd.pick(shipModes)
			price := RetailPrice(l.partkey)
			l.extended = int64(l.quantity) * price
			l.revenue = l.extended * int64(100-l.discount) / 100
			l.supplyCost = 6 * price / 10
			total += l.revenue * int64(100+l.tax) / 100
		}
		orderDate := dayKey(day)
		for i := range n {
			l := &lines[i]
			r.int(int64(o))
			r.int(int64(i + 1))
			r.int(int64(cust))
			r.int(int64(l.partkey))
			r.int(int64(l.suppkey))
			r.int(orderDate)
			r.str(priority)
			r.int(0)
			r.int(int64(l.quantity))
			r.int(l.extended)
			r.int(total)
			r.int(int64(l.discount))
			r.int(l.revenue)
			r.int(l.supplyCost)
			r.int(int64(l.tax))
			r.int(dayKey(l.commit))
			r.str(l.shipMode)
			if !r.end() {
				return
			}
		}
	}
}
