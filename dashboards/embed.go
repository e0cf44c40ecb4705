// Package dashboards holds the leadership dashboards: static pages, their
// scripts and styles, and the vendored Apache ECharts, embedded in the binary
// so the dashboards work on a network with no internet. pipeline/serve serves
// them; the JSON they read is described in contract.md and schemas/.
package dashboards

import "embed"

// FS holds web/: one HTML file per page (html/template templates: each
// starts with top.html's "top", the head and the navigation, written once),
// app.js (shared), one module per page, app.css and vendor/ (ECharts with
// its licence).
//
//go:embed web
var FS embed.FS
