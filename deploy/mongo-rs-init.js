// Run by the mongo-init service of docker-compose.scale.yml (mongosh --file): makes the three
// mongod nodes one replica set, rs0, once; on later starts it finds the set and only waits for a
// primary. The app's MONGODB_URI names all three nodes and replicaSet=rs0, so the driver follows
// the primary through an election.
/* global rs, print, sleep, quit -- mongosh's shell */
const members = [
  { _id: 0, host: 'mongo1:27017', priority: 2 },
  { _id: 1, host: 'mongo2:27017', priority: 1 },
  { _id: 2, host: 'mongo3:27017', priority: 1 },
];

let initiated = true;
try {
  rs.status();
} catch (error) {
  // 94 NotYetInitialized: a fresh set.
  if (error.code !== 94) throw error;
  initiated = false;
}
if (!initiated) {
  rs.initiate({ _id: 'rs0', members });
  print('replica set rs0 initiated');
}

for (let i = 0; i < 120; i++) {
  const primary = rs.status().members.find((m) => m.stateStr === 'PRIMARY');
  if (primary) {
    print(`replica set rs0: primary ${primary.name}`);
    quit(0);
  }
  sleep(1000);
}
print('replica set rs0: no primary after 120 s');
quit(1);
