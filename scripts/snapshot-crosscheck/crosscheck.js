#!/usr/bin/env node
// Re-tallies every Decentraland proposal in ../shared/data/decentraland/votes.csv
// as a *quadratic* ballot with snapshot.js's own QuadraticVoting class, and
// prints the scores as JSON (the committed expected.json).
//
// Each single-choice vote `Choice # = c` becomes the weight map {c: 1}; its
// balance is its `VP` (Number(text), as the hub would hold it). A proposal's
// choices are 1..max(Choice #) of its votes. Each voter's latest vote counts
// (greatest `Created`, later row on a tie; addresses compared in lower
// case), as govkit's VoteSet::latest_per_voter does; the export has no
// repeated voters, so this changes nothing today.
//
// Usage: node crosscheck.js [path/to/votes.csv] > expected.json
//        node crosscheck.js --check [path/to/votes.csv]
//          (regenerates in memory and fails if expected.json differs)
'use strict';

const fs = require('fs');
const path = require('path');
const snapshot = require('@snapshot-labs/snapshot.js');

const QuadraticVoting = snapshot.utils.voting.quadratic;
const version = require('@snapshot-labs/snapshot.js/package.json').version;

const DEFAULT_VOTES = path.join(
  __dirname,
  '..',
  '..',
  '..',
  'shared',
  'data',
  'decentraland',
  'votes.csv'
);

// RFC 4180 CSV: quoted fields may hold commas, doubled quotes and newlines.
function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length > 0) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

function main() {
  const args = process.argv.slice(2);
  const check = args[0] === '--check';
  if (check) args.shift();
  const votesPath = args[0] || DEFAULT_VOTES;
  const [header, ...records] = parseCsv(fs.readFileSync(votesPath, 'utf8'));
  const col = (name) => {
    const i = header.indexOf(name);
    if (i < 0) throw new Error(`${votesPath}: no column ${name}`);
    return i;
  };
  const [member, proposalId, created, choiceNo, vp] = [
    'Member',
    'Proposal ID',
    'Created',
    'Choice #',
    'VP'
  ].map(col);

  // Proposals in order of first appearance; latest vote per voter.
  const proposals = new Map();
  for (const r of records) {
    if (r.length < header.length) continue; // blank trailing line
    const id = r[proposalId].trim();
    if (!proposals.has(id)) proposals.set(id, new Map());
    const byVoter = proposals.get(id);
    const voter = r[member].trim().toLowerCase();
    const vote = {
      choice: Number(r[choiceNo]),
      balance: Number(r[vp]),
      created: r[created].trim()
    };
    if (!Number.isInteger(vote.choice) || !Number.isFinite(vote.balance)) {
      throw new Error(`bad row: ${r.join(',')}`);
    }
    const earlier = byVoter.get(voter);
    if (!earlier || vote.created >= earlier.created) byVoter.set(voter, vote);
  }

  const out = [];
  for (const [id, byVoter] of proposals) {
    const votes = [...byVoter.values()].map((v) => ({
      choice: { [v.choice]: 1 },
      balance: v.balance,
      scores: [v.balance]
    }));
    const choices = Math.max(...[...byVoter.values()].map((v) => v.choice));
    const proposal = {
      choices: Array.from({ length: choices }, (_, i) => `choice ${i + 1}`)
    };
    const strategies = [{ name: 'vp', network: '1', params: {} }];
    const q = new QuadraticVoting(proposal, votes, strategies, {});
    out.push({
      id,
      choices,
      votes: votes.length,
      scores: q.getScores(),
      scoresTotal: q.getScoresTotal()
    });
  }

  const lines = out.map((p) => '    ' + JSON.stringify(p));
  const text =
    '{\n' +
      `  "generator": "scripts/snapshot-crosscheck/crosscheck.js",\n` +
      `  "snapshot_js": ${JSON.stringify(version)},\n` +
      `  "ballot": "quadratic",\n` +
      `  "source": "shared/data/decentraland/votes.csv",\n` +
      `  "proposals": [\n${lines.join(',\n')}\n  ]\n}\n`;
  if (!check) {
    process.stdout.write(text);
    return;
  }
  const committed = fs.readFileSync(path.join(__dirname, 'expected.json'), 'utf8');
  if (committed !== text) {
    process.stderr.write(
      'expected.json is stale: snapshot.js ' +
        version +
        ' gives different numbers; regenerate with `npm run generate`\n'
    );
    process.exit(1);
  }
  process.stderr.write(
    `expected.json matches snapshot.js ${version} (${out.length} proposals)\n`
  );
}

main();
