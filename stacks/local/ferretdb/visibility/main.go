// Command authlab-visibility reports, as JSON lines on stdout, each document that becomes
// visible in one collection of the local lab's FerretDB, and when: the replication-lag
// watcher for the local runtime.
//
// Why not a Mongo client: FerretDB v1 has no change streams and answers only a bare {_id}
// lookup from an index, so a client has to ask for every awaited id, one round trip of 2 to
// 4 ms each, and those lookups load the server being measured. Here one poll costs a shared
// memory read when nothing changed and one indexed range read when something did, whatever
// the number of awaited documents (see tail.go for why this is the moment of visibility).
//
// Lines written:
//
//	{"type":"ready","cpuMs":…}                         from now on every insert is reported
//	{"type":"seen","seenMs":…,"docs":[{"id":…,"cdc":{…}},…]}
//	{"type":"polls","queryUs":[…],"cycleUs":[…],"cpuMs":…,"hintMisses":…}   every --report-every
//	{"type":"error","message":…}                        a poll failed; polling goes on
//
// seenMs is epoch milliseconds (fractional) when the read that returned the documents ended.
// It stops, after a last "polls" line, on SIGTERM, SIGINT or when stdin closes.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"syscall"
	"time"
)

func main() {
	file := flag.String("db", "", "FerretDB's SQLite file of the database (DIR/NAME.sqlite)")
	collection := flag.String("collection", "profiles", "collection to watch")
	interval := flag.Duration("interval", time.Millisecond, "time between the starts of polls")
	reportEvery := flag.Duration("report-every", 500*time.Millisecond, "how often poll timings are written")
	flag.Parse()
	if *file == "" || *interval <= 0 || *reportEvery <= 0 {
		fmt.Fprintln(os.Stderr, "authlab-visibility: --db is required; --interval and --report-every must be > 0")
		os.Exit(2)
	}

	// One thread runs Go code: the poll loop is sequential, and a second one only adds
	// hand-offs between threads at every wake-up.
	runtime.GOMAXPROCS(1)

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		// The experiment holds stdin open: when it dies, so does this process.
		_, _ = io.Copy(io.Discard, os.Stdin)
		stop()
	}()

	out := &output{w: bufio.NewWriterSize(os.Stdout, 1<<16)}
	wait := func() bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(10 * time.Millisecond):
			return true
		}
	}
	t, err := openTail(ctx, *file, *collection, wait)
	if err != nil {
		if ctx.Err() != nil {
			return
		}
		fmt.Fprintf(os.Stderr, "authlab-visibility: cannot read %s: %v\n", *file, err)
		os.Exit(1)
	}
	defer t.close()

	out.write(map[string]any{"type": "ready", "cpuMs": cpuMs()})
	out.flush()
	poll(ctx, t, out, *interval, *reportEvery)
}

// safetyEvery: every this many polls, SQLite is asked even when the WAL-index header did
// not move, in case the hint ever misses a commit; hintMisses counts the times it did.
const safetyEvery = 10

// poll runs until ctx ends. A poll that finds new documents reports them with the time its
// read ended; every poll's duration and the time since the previous poll ended are kept for
// the next "polls" line: they are the watcher's cost and its resolution.
func poll(ctx context.Context, t *tail, out *output, interval, reportEvery time.Duration) {
	var queryUs, cycleUs []int64
	var lastEnd time.Time
	var polls, hintMisses int64
	nextReport := time.Now().Add(reportEvery)

	report := func() {
		out.write(map[string]any{
			"type": "polls", "queryUs": queryUs, "cycleUs": cycleUs, "cpuMs": cpuMs(),
			"hintMisses": hintMisses,
		})
		out.flush()
		queryUs, cycleUs = queryUs[:0], cycleUs[:0]
	}
	defer report()

	for ctx.Err() == nil {
		start := time.Now()
		// The background context: a cancellable one makes the SQLite driver start a goroutine
		// per statement to watch it.
		moved := t.moved()
		var docs []document
		var err error
		if moved || polls%safetyEvery == 0 {
			docs, err = readNew(context.Background(), t)
		}
		if !moved && len(docs) > 0 {
			hintMisses++ // the safety check found what the header did not show
		}
		polls++
		end := time.Now()

		if err != nil && ctx.Err() == nil {
			out.write(map[string]any{"type": "error", "message": err.Error()})
		}
		if len(docs) > 0 {
			seenMs := float64(end.UnixNano()) / 1e6
			out.write(map[string]any{"type": "seen", "seenMs": seenMs, "docs": docs})
			out.flush()
		}
		queryUs = append(queryUs, end.Sub(start).Microseconds())
		if !lastEnd.IsZero() {
			cycleUs = append(cycleUs, end.Sub(lastEnd).Microseconds())
		}
		lastEnd = end

		if end.After(nextReport) {
			report()
			nextReport = end.Add(reportEvery)
		}
		// A plain sleep: ending up to one interval after a stop request costs nothing, where
		// a timer and a select per poll cost measurable CPU at a thousand polls a second.
		if sleep := time.Until(start.Add(interval)); sleep > 0 {
			time.Sleep(sleep)
		}
	}
}

func readNew(ctx context.Context, t *tail) ([]document, error) {
	changed, err := t.changed(ctx)
	if err != nil || !changed {
		return nil, err
	}
	return t.next(ctx)
}

// cpuMs is the CPU time (user + system) this process has used: the watcher's own cost.
func cpuMs() float64 {
	var usage syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &usage); err != nil {
		return -1
	}
	return float64(usage.Utime.Nano()+usage.Stime.Nano()) / 1e6
}

type output struct {
	w *bufio.Writer
}

func (o *output) write(line map[string]any) {
	b, err := json.Marshal(line)
	if err != nil {
		b, _ = json.Marshal(map[string]any{"type": "error", "message": err.Error()})
	}
	_, _ = o.w.Write(append(b, '\n'))
}

func (o *output) flush() {
	_ = o.w.Flush()
}
