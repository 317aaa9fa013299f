//go:build race

package sheet

// raceEnabled reports a -race build, whose memory use is several times larger.
const raceEnabled = true
