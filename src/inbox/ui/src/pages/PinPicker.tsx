// A map on which the operator drops a pin where the caller says the problem
// is (click, then drag to correct). The coordinates stay typeable beside it:
// on a closed network the tiles do not load, the map stays grey, but a click
// still places the pin.
import 'leaflet/dist/leaflet.css';
import L from 'leaflet';
import markerIcon from 'leaflet/dist/images/marker-icon.png';
import markerShadow from 'leaflet/dist/images/marker-shadow.png';
import { useEffect, useRef } from 'preact/hooks';

export interface Pin { latitude: number; longitude: number }

/** Where the map opens with no pin yet: central Java, zoomed out to a city's size. */
const START: [number, number] = [-6.9147, 107.6098];

const round = (n: number) => Math.round(n * 1e6) / 1e6;

export function PinPicker({ pin, onPin, label }: { pin: Pin | null; onPin: (pin: Pin) => void; label: string }) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const marker = useRef<L.Marker | null>(null);
  const handler = useRef(onPin);
  handler.current = onPin;

  useEffect(() => {
    if (!element.current) return;
    const created = L.map(element.current, { attributionControl: true }).setView(START, 12);
    L.tileLayer('https://tile.openstreetmap.org/{z}/{x}/{y}.png', { maxZoom: 19, attribution: '© OpenStreetMap' }).addTo(created);
    created.on('click', (e: L.LeafletMouseEvent) => { handler.current({ latitude: round(e.latlng.lat), longitude: round(e.latlng.lng) }); });
    map.current = created;
    return () => { created.remove(); map.current = null; marker.current = null; };
  }, []);

  useEffect(() => {
    const current = map.current;
    if (!current) return;
    if (!pin) {
      marker.current?.remove();
      marker.current = null;
      return;
    }
    const at: [number, number] = [pin.latitude, pin.longitude];
    if (marker.current) marker.current.setLatLng(at);
    else {
      const made = L.marker(at, { draggable: true, icon: L.icon({ iconUrl: markerIcon, shadowUrl: markerShadow, iconSize: [25, 41], iconAnchor: [12, 41] }) }).addTo(current);
      made.on('dragend', () => { const p = made.getLatLng(); handler.current({ latitude: round(p.lat), longitude: round(p.lng) }); });
      marker.current = made;
    }
    if (!current.getBounds().contains(at)) current.setView(at);
  }, [pin?.latitude, pin?.longitude]);

  return <div class="map pin-picker" ref={element} role="application" aria-label={label} />;
}
