// openmetrics-check reads an OpenMetrics 1.0 exposition on stdin and checks it the way
// Prometheus reads it: with Prometheus's own OpenMetrics parser (model/textparse, the scraper's),
// at the version of deploy/versions.env. promtool check metrics reads only the Prometheus text
// format, so this is its OpenMetrics counterpart. On top of the parser, which is lenient, it
// checks what the OpenMetrics spec requires of an exposer and the parser does not:
//   - every sample belongs to the family its TYPE line named (by the type's suffixes), and no
//     family appears twice;
//   - `le` values are canonical (labels.FormatOpenMetricsFloat);
//   - exemplars sit only on counter totals and histogram buckets, within their bucket, with a
//     label set of at most 128 characters (exemplar.ExemplarMaxLabelSetLength).
//
// It prints what Prometheus would ingest as JSON ({"families", "samples", "exemplars"}), and
// exits 1 with the first problem on stderr. With -text it reads the Prometheus text format
// instead (Prometheus's parser for it, none of the OpenMetrics checks), so that a test can
// compare what Prometheus ingests from either format.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"runtime/debug"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/prometheus/common/model"
	"github.com/prometheus/prometheus/model/exemplar"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/textparse"
)

// Values are strings (Go's shortest rendering), as JSON has no NaN or infinities.
type foundExemplar struct {
	Series          string            `json:"series"`
	Labels          map[string]string `json:"labels"`
	Value           string            `json:"value"`
	TimestampMillis *int64            `json:"timestampMillis"`
}

type sample struct {
	Series string `json:"series"`
	Value  string `json:"value"`
}

func number(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

type report struct {
	Families  int             `json:"families"`
	Samples   []sample        `json:"samples"`
	Exemplars []foundExemplar `json:"exemplars"`
}

var suffixes = map[model.MetricType][]string{
	model.MetricTypeCounter:        {"_total", "_created"},
	model.MetricTypeHistogram:      {"_bucket", "_count", "_sum", "_created"},
	model.MetricTypeGaugeHistogram: {"_bucket", "_gcount", "_gsum"},
	model.MetricTypeSummary:        {"", "_count", "_sum", "_created"},
	model.MetricTypeInfo:           {"_info"},
	model.MetricTypeGauge:          {""},
	model.MetricTypeStateset:       {""},
	model.MetricTypeUnknown:        {""},
}

var rawLe = regexp.MustCompile(`[{,]le="([^"]*)"`)

func check(input []byte, text bool) (report, error) {
	r := report{Samples: []sample{}, Exemplars: []foundExemplar{}}
	p := textparse.NewOpenMetricsParser(input, labels.NewSymbolTable())
	if text {
		p = textparse.NewPromParser(input, labels.NewSymbolTable(), false)
	}
	seen := map[string]bool{}
	family, familyType := "", model.MetricTypeUnknown
	previousBucket, previousLe := "", math.Inf(-1)
	for {
		entry, err := p.Next()
		if errors.Is(err, io.EOF) {
			return r, nil
		}
		if err != nil {
			return r, err
		}
		switch entry {
		case textparse.EntryType:
			name, typ := p.Type()
			if seen[string(name)] {
				return r, fmt.Errorf("family %s appears twice", name)
			}
			seen[string(name)] = true
			family, familyType = string(name), typ
			r.Families++
		case textparse.EntrySeries:
			raw, _, value := p.Series()
			var lset labels.Labels
			p.Labels(&lset)
			r.Samples = append(r.Samples, sample{Series: lset.String(), Value: number(value)})
			if text {
				continue
			}
			name := lset.Get(labels.MetricName)
			suffix, ok := strings.CutPrefix(name, family)
			if !ok || !contains(suffixes[familyType], suffix) {
				return r, fmt.Errorf("sample %s is not part of family %s (%s)", raw, family, familyType)
			}
			le := math.NaN()
			if familyType == model.MetricTypeHistogram && suffix == "_bucket" {
				m := rawLe.FindSubmatch(raw)
				if m == nil {
					return r, fmt.Errorf("bucket %s has no le", raw)
				}
				if le, err = strconv.ParseFloat(string(m[1]), 64); err != nil {
					return r, fmt.Errorf("bucket %s: le %q is not a number", raw, m[1])
				}
				if canonical := labels.FormatOpenMetricsFloat(le); string(m[1]) != canonical {
					return r, fmt.Errorf("bucket %s: le %q is not canonical (%s)", raw, m[1], canonical)
				}
			}
			withoutLe := labels.NewBuilder(lset).Del("le").Labels().String()
			var e exemplar.Exemplar
			if p.Exemplar(&e) {
				if !(familyType == model.MetricTypeCounter && suffix == "_total") && !(familyType == model.MetricTypeHistogram && suffix == "_bucket") {
					return r, fmt.Errorf("exemplar on %s, which is neither a counter total nor a histogram bucket", raw)
				}
				length := 0
				e.Labels.Range(func(l labels.Label) { length += utf8.RuneCountInString(l.Name) + utf8.RuneCountInString(l.Value) })
				if length > exemplar.ExemplarMaxLabelSetLength {
					return r, fmt.Errorf("exemplar of %s has a label set of %d characters, over %d", raw, length, exemplar.ExemplarMaxLabelSetLength)
				}
				if !math.IsNaN(le) {
					lower := math.Inf(-1)
					if previousBucket == withoutLe {
						lower = previousLe
					}
					if e.Value > le || e.Value <= lower {
						return r, fmt.Errorf("exemplar value %v of %s is outside its bucket (%v, %v]", e.Value, raw, lower, le)
					}
				}
				found := foundExemplar{Series: lset.String(), Labels: e.Labels.Map(), Value: number(e.Value)}
				if e.HasTs {
					ts := e.Ts
					found.TimestampMillis = &ts
				}
				r.Exemplars = append(r.Exemplars, found)
			}
			if !math.IsNaN(le) {
				previousBucket, previousLe = withoutLe, le
			} else {
				previousBucket = ""
			}
		}
	}
}

// parserModule is the Prometheus module this binary was built with, e.g. "github.com/prometheus/prometheus v0.316.0".
func parserModule() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/prometheus/prometheus" {
				return dep.Path + " " + dep.Version
			}
		}
	}
	return "an unknown Prometheus module"
}

func contains(list []string, s string) bool {
	for _, item := range list {
		if item == s {
			return true
		}
	}
	return false
}

func main() {
	text := flag.Bool("text", false, "read the Prometheus text format (only parse, no OpenMetrics checks)")
	version := flag.Bool("version", false, "print the Prometheus module whose parser this is, and exit")
	flag.Parse()
	if *version {
		fmt.Println("openmetrics-check, parser of", parserModule())
		return
	}
	input, err := io.ReadAll(os.Stdin)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	r, err := check(input, *text)
	if err != nil {
		fmt.Fprintln(os.Stderr, "openmetrics-check:", err)
		os.Exit(1)
	}
	if err := json.NewEncoder(os.Stdout).Encode(r); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
