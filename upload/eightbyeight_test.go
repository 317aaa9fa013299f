package upload_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/contactpipe/contactpipe/internal/contactsim"
)

func TestEightByEightHappyPath(t *testing.T) {
	sim, srv := startSim(t, contactsim.Options{})
	dir := t.TempDir()
	u := eightByEight(srv.URL, srv.Client())
	u.Groups = []int{11566, 88996}
	u.FilePrefix = "contacts.csv"
	c := writeChunk(t, dir, 1, canonicalHeader, contactRows(50, 0))
	res, err := u.Upload(t.Context(), c)
	require.NoError(t, err)
	assert.Equal(t, "8x8", res.Target)
	assert.Equal(t, "completed", res.Status)
	assert.Equal(t, 50, res.Landed)
	assert.Empty(t, res.ServerRejected)
	assert.Regexp(t, `^contacts-[0-9a-f]{8}-chunk-0001\.csv$`, res.File)
	require.NotNil(t, res.Counts)
	assert.Equal(t, 50, res.Counts.Total)
	assert.Equal(t, 50, res.Counts.Inserted)
	assert.Len(t, sim.Contacts(), 50)
	ct, ok := sim.FindContact("msisdn", "+6591000007")
	require.True(t, ok)
	assert.ElementsMatch(t, []int{11566, 88996}, ct.Groups)
	assert.NoFileExists(t, c.Path, "the chunk file is removed after upload")
}
