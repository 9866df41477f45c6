//go:build tools

// Package tools pins the Kubernetes provider whose cmd/pulumi-resource-kubernetes cluster/build.sh builds.
package tools

import _ "github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/provider"
