//go:build tools

// Package tools pins istio.io/api in go.mod and go.sum so that run.sh can read Istio's
// CRDs (kubernetes/customresourcedefinitions.gen.yaml) from the module cache at a
// verified version. Nothing is built from it.
package tools

import _ "istio.io/api/networking/v1alpha3"
