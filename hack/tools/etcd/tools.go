//go:build tools

// Package tools pins the etcd server the build script compiles.
package tools

import _ "go.etcd.io/etcd/server/v3"
