// Command etcd is etcd's own main (go.etcd.io/etcd/v3's main.go is this one call), built from the
// server module at the version go.mod pins, because the root module is not a separate download.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
