package main

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRunRefusesBadSetups(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		want string
	}{
		{"not loopback", []string{"-addr", "0.0.0.0:0"}, 1, "loopback addresses only"},
		{"bad address", []string{"-addr", "nonsense"}, 1, "bad address"},
		{"bad account", []string{"-account-id", "xyz"}, 2, "pattern"},
		{"unknown flag", []string{"-nope"}, 2, "flag provided but not defined"},
		{"help", []string{"-h"}, 0, "-error-rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			assert.Equal(t, tc.code, run(tc.args, &out, &errb))
			assert.Contains(t, errb.String(), tc.want)
		})
	}
}
