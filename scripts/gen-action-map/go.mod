module faber-cloud/gen-action-map

go 1.22
