// Validate FHIR R4 resources (JSON files named on the command line) with FHIR.js, an
// implementation independent of the app's Python models. Prints one JSON line per file.
"use strict";
const fs = require("fs");
const { Fhir } = require("fhir");

const fhir = new Fhir();
for (const file of process.argv.slice(2)) {
  const result = fhir.validate(JSON.parse(fs.readFileSync(file, "utf8")));
  const errors = result.messages.filter((m) => m.severity === "error");
  console.log(JSON.stringify({ file, valid: result.valid, errors }));
}
