#!/usr/bin/env node
// Tallies the Snapshot vote shapes of shapes.json (map keys written "01",
// "1.0", " 1", "1e0"; rankings as strings; "choice": null; vp with more
// decimals than the token has) with snapshot.js's own voting classes and
// prints their scores (shapes-expected.json). tests/snapshot_crosscheck.rs
// reads both files and checks govkit against these numbers.
//
// Usage: node shapes.js > shapes-expected.json
//        node shapes.js --check   (fails if shapes-expected.json differs)
'use strict';

const fs = require('fs');
const path = require('path');
const snapshot = require('@snapshot-labs/snapshot.js');
const version = require('@snapshot-labs/snapshot.js/package.json').version;

const classes = {
  'single-choice': snapshot.utils.voting['single-choice'],
  approval: snapshot.utils.voting.approval,
  weighted: snapshot.utils.voting.weighted,
  quadratic: snapshot.utils.voting.quadratic,
  'ranked-choice': snapshot.utils.voting['ranked-choice'],
  copeland: snapshot.utils.voting.copeland
};

function main() {
  const check = process.argv[2] === '--check';
  const cases = JSON.parse(fs.readFileSync(path.join(__dirname, 'shapes.json'), 'utf8'));
  const out = {
    snapshot_js: version,
    cases: cases.map((c) => {
      const Voting = classes[c.type];
      if (!Voting) throw new Error(`${c.name}: no snapshot.js class for ${c.type}`);
      const votes = c.votes.map((v) => ({
        choice: v.choice,
        balance: v.vp,
        scores: [v.vp]
      }));
      const strategies = [{ name: 'ticket', network: '1', params: {} }];
      const voting = new Voting({ choices: c.choices }, votes, strategies, 1);
      return {
        name: c.name,
        valid: voting.getValidVotes().length,
        scores: voting.getScores(),
        scores_total: voting.getScoresTotal()
      };
    })
  };
  const text = JSON.stringify(out, null, 2) + '\n';
  if (check) {
    const committed = fs.readFileSync(path.join(__dirname, 'shapes-expected.json'), 'utf8');
    if (committed !== text) {
      console.error('shapes-expected.json differs from what snapshot.js computes now');
      process.exit(1);
    }
    console.log(`shapes-expected.json matches snapshot.js ${version} (${out.cases.length} cases)`);
  } else process.stdout.write(text);
}

main();
