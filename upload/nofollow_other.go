//go:build !unix

package upload

// oNoFollow is 0 where the platform has no O_NOFOLLOW; isSymlinkErr is then the only check.
const oNoFollow = 0
