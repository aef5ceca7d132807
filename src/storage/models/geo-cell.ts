// The embedded database's nearby index (storage/geo-cells.ts): per grid cell
// and month, the tickets pinned in it. `_id` is the cell, so every read and
// write is a look-up by key (the only kind FerretDB pushes down).
import { type Connection, type Model, Schema } from 'mongoose';

export interface GeoCellEntry {
  number: string;
  latitude: number;
  longitude: number;
  /** When the ticket was created. */
  at: Date;
}

export interface GeoCell {
  /** `<cell size in thousandths of a degree>:<row>:<column>:<YYYY-MM>`. */
  _id: string;
  tickets: GeoCellEntry[];
}

const geoCellSchema = new Schema<GeoCell>(
  {
    _id: { type: String, required: true },
    tickets: { type: [new Schema<GeoCellEntry>({ number: String, latitude: Number, longitude: Number, at: Date }, { _id: false })], default: [] },
  },
  { collection: 'geocells', versionKey: false },
);

export type GeoCellModel = Model<GeoCell>;

export function geoCellModel(connection: Connection): GeoCellModel {
  return connection.models.GeoCell as GeoCellModel | undefined ?? connection.model<GeoCell>('GeoCell', geoCellSchema);
}
