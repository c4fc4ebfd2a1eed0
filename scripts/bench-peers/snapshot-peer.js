#!/usr/bin/env node
// The snapshot.js side of the benchmark: reads a hub vote export
// ({"data": {"votes": [...]}}), keeps each voter's latest vote (greatest
// `created`, the later one on a tie; addresses in lower case, as govkit
// does), tallies it with snapshot.js's own voting class and prints the
// scores as JSON.
//
// usage: node snapshot-peer.js TYPE FILE CHOICES
'use strict';

const fs = require('fs');
const snapshot = require('@snapshot-labs/snapshot.js');

const [type, file, nChoices] = process.argv.slice(2);
const Voting = snapshot.utils.voting[type];
if (!Voting) throw new Error(`no snapshot.js voting class ${type}`);
const all = JSON.parse(fs.readFileSync(file, 'utf8')).data.votes;
const latest = new Map();
for (const v of all) {
  const key = v.voter.toLowerCase();
  const seen = latest.get(key);
  if (seen === undefined || v.created >= seen.created) latest.set(key, v);
}
const votes = [];
for (const v of latest.values()) {
  votes.push({ choice: v.choice, balance: v.vp, scores: [v.vp] });
}
const choices = Array.from({ length: Number(nChoices) }, (_, i) => `choice ${i + 1}`);
const strategies = [{ name: 'ticket', network: '1', params: {} }];
const voting = new Voting({ choices }, votes, strategies, 1);
process.stdout.write(JSON.stringify({ scores: voting.getScores() }) + '\n');
