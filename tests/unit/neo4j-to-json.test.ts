/** Neo4j's value types, built with the driver's own classes, come out as the same plain JSON as Grafeo's. */
import neo4j from 'neo4j-driver';
import { describe, expect, it } from 'vitest';
import { readParams } from '../../graph/neo4j/neo4j-store.js';
import { neo4jToJson } from '../../graph/neo4j/to-json.js';
import { grafeoToJson } from '../../graph/values.js';

const {
  Node,
  Relationship,
  Path,
  PathSegment,
  Date: Neo4jDate,
  DateTime,
  Duration,
  Point,
} = neo4j.types;

describe('neo4jToJson', () => {
  const express = new Node(
    neo4j.int(1),
    ['Package'],
    { key: 'pkg:npm/express', stars: neo4j.int(65000) },
    '4:db:1',
  );
  const version = new Node(neo4j.int(2), ['Version'], { key: 'pkg:npm/express@5.1.0' }, '4:db:2');
  const hasVersion = new Relationship(
    neo4j.int(7),
    neo4j.int(1),
    neo4j.int(2),
    'HAS_VERSION',
    {},
    '5:db:7',
    '4:db:1',
    '4:db:2',
  );

  it('turns integers into numbers, and those past 2^53 into strings', () => {
    expect(neo4jToJson(neo4j.int(42))).toBe(42);
    expect(neo4jToJson(neo4j.int('9007199254740993'))).toBe('9007199254740993');
    expect(neo4jToJson(neo4j.int('-9007199254740993'))).toBe('-9007199254740993');
  });

  it('turns nodes, relationships and paths into the shape the embedded store gives', () => {
    expect(neo4jToJson(express)).toEqual({
      kind: 'node',
      id: '4:db:1',
      labels: ['Package'],
      properties: { key: 'pkg:npm/express', stars: 65000 },
    });
    expect(neo4jToJson(hasVersion)).toEqual({
      kind: 'relationship',
      id: '5:db:7',
      type: 'HAS_VERSION',
      start: '4:db:1',
      end: '4:db:2',
      properties: {},
    });
    const path = new Path(express, version, [new PathSegment(express, hasVersion, version)]);
    const json = neo4jToJson(path);
    expect(json).toMatchObject({
      kind: 'path',
      nodes: [{ id: '4:db:1' }, { id: '4:db:2' }],
      relationships: [{ id: '5:db:7' }],
    });

    // The same path as Grafeo returns it converts to the same shape.
    const grafeo = grafeoToJson({
      nodes: [
        { _id: 1, _labels: ['Package'], key: 'pkg:npm/express', stars: 65000 },
        { _id: 2, _labels: ['Version'], key: 'pkg:npm/express@5.1.0' },
      ],
      edges: [{ _id: 7, _source: 1, _target: 2, _type: 'HAS_VERSION' }],
    });
    const strip = (value: unknown): string =>
      JSON.stringify(value).replace(/"(id|start|end)":"[^"]*"/g, '"$1":""');
    expect(strip(grafeo)).toBe(strip(json));
  });

  it('turns temporal values into ISO strings and points into coordinates', () => {
    expect(neo4jToJson(new Neo4jDate(2026, 11, 24))).toBe('2026-11-24');
    expect(neo4jToJson(new DateTime(2026, 11, 24, 10, 30, 0, 0, 0))).toBe('2026-11-24T10:30:00Z');
    expect(neo4jToJson(new Duration(0, 1, 30, 0))).toBe('P1DT30S');
    expect(neo4jToJson(new Point(neo4j.int(4326), 1.5, 2.5))).toEqual({
      srid: 4326,
      x: 1.5,
      y: 2.5,
    });
  });

  it('converts lists and maps all the way down and keeps hostile keys as data', () => {
    const map = JSON.parse('{"__proto__": {"polluted": true}, "list": [1, 2]}') as Record<
      string,
      unknown
    >;
    map.n = neo4j.int(3);
    const json = neo4jToJson([map]) as Record<string, unknown>[];
    expect(JSON.parse(JSON.stringify(json))).toEqual([
      { ['__proto__']: { polluted: true }, list: [1, 2], n: 3 },
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('grafeoToJson', () => {
  it('turns bigints, dates and buffers into JSON', () => {
    expect(grafeoToJson(12n)).toBe(12);
    expect(grafeoToJson(2n ** 60n)).toBe('1152921504606846976');
    expect(grafeoToJson(new Date('2026-11-24T00:00:00Z'))).toBe('2026-11-24T00:00:00.000Z');
    expect(grafeoToJson(Buffer.from('hi'))).toBe('aGk=');
    expect(grafeoToJson(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('readParams', () => {
  it('sends whole numbers to Neo4j as integers (LIMIT and slices refuse floats), the rest as is', () => {
    const params = readParams({
      limit: 10,
      key: 'pkg:npm/x',
      share: 0.5,
      ids: [1, 2],
      big: 2 ** 60,
    });
    expect(neo4j.isInt(params.limit)).toBe(true);
    expect(String(params.limit)).toBe('10');
    expect(params.key).toBe('pkg:npm/x');
    expect(params.share).toBe(0.5);
    expect(params.ids).toEqual([1, 2]);
    // Past 2^53 a JavaScript number is no longer a whole number it can vouch for: left alone.
    expect(params.big).toBe(2 ** 60);
  });
});
