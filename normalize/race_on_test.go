//go:build race

package normalize

// raceEnabled is true under the race detector, where phonenumbers is about
// ten times slower: the differential tests then sample fewer numbers.
const raceEnabled = true
