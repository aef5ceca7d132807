// The public map: the tickets of the table below it as circles on a Leaflet
// map. The page is whole without this script (the table and the filters are
// server-rendered); where map tiles cannot load the circles still show on a
// plain background. Each ticket number in the table becomes a button that
// shows its circle, so the map can be used from the keyboard and the list.
import * as L from './leaflet.js';

const COLOURS = { open: '#b35c00', in_progress: '#0b57a4', resolved: '#1e7b34', closed: '#4a5562' };

const element = document.getElementById('map');
const rows = [...document.querySelectorAll('#tickets tbody tr')];
if (element) {
  const map = L.map(element, { scrollWheelZoom: false });
  L.tileLayer(element.dataset.tiles, { maxZoom: 19, attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>' }).addTo(map);
  const points = [];
  for (const row of rows) {
    const latlng = [Number(row.dataset.lat), Number(row.dataset.lon)];
    const cells = [...row.cells].map((cell) => cell.textContent.trim());
    const popup = document.createElement('div');
    const title = document.createElement('strong');
    title.textContent = cells[0];
    popup.append(title, document.createElement('br'), `${cells[1]} · ${cells[2]}`, document.createElement('br'), cells[3]);
    const marker = L.circleMarker(latlng, { radius: 9, weight: 2, color: '#fff', fillColor: COLOURS[row.dataset.status] ?? '#333', fillOpacity: 0.9 }).bindPopup(popup).addTo(map);
    points.push(latlng);
    // The number cell becomes a button: show this ticket on the map.
    const cell = row.cells[0];
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = cells[0];
    button.addEventListener('click', () => {
      map.setView(latlng, Math.max(map.getZoom(), 16));
      marker.openPopup();
      element.scrollIntoView({ behavior: 'smooth', block: 'center' });
    });
    cell.replaceChildren(button);
  }
  const focus = /^(-?\d+(?:\.\d+)?),(-?\d+(?:\.\d+)?)$/.exec(new URLSearchParams(location.search).get('at') ?? '');
  if (focus) map.setView([Number(focus[1]), Number(focus[2])], 17);
  else if (points.length > 0) map.fitBounds(points, { padding: [24, 24], maxZoom: 16 });
  else map.setView([-2.5, 118], 5);
}
