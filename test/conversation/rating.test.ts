// The satisfaction answer as people type it: numbers, stars, button labels and
// words, colloquial Indonesian first; whatever is not clearly a rating is none.
import { describe, expect, it } from 'vitest';
import { readRating } from '../../src/conversation/rating.js';

const score = (text: string) => {
  const answer = readRating(text, { 4: ['Puas', 'Satisfied'], 2: ['Kurang puas', 'Not quite satisfied'] });
  return answer && 'score' in answer ? answer.score : answer;
};

describe('readRating', () => {
  it.each([
    ['4', 4], [' 5 ', 5], ['1', 1], ['5 bintang', 5], ['bintang 3', 3], ['4 stars', 4], ['4/5', 4], ['3 dari 5', 3], ['2 out of 5', 2],
    ['nilai 4', 4], ['saya kasih 5', 5], ['lima', 5], ['empat bintang', 4], ['five', 5], ['5 bintang, mantap!', 5], ['4 makasih pak', 4],
  ])('a number: %j → %i', (text, expected) => {
    expect(score(text)).toBe(expected);
  });

  it.each([['⭐⭐⭐⭐', 4], ['⭐️⭐️⭐️⭐️⭐️', 5], ['★★★', 3], ['🌟', 1], ['⭐ ⭐', 2]])('stars: %j → %i', (text, expected) => {
    expect(score(text)).toBe(expected);
  });

  it.each([
    ['puas banget', 5], ['jos gan', 5], ['udah puas kok', 4], ['cukup memuaskan', 4], ['biasa2 aja', 3], ['lumayan lah', 3], ['tidak terlalu puas', 2], ['payah', 1], ['Puas bangettt!!', 5], ['sangat puas', 5], ['puas sekali pak', 5], ['mantap', 5], ['Mantul min', 5], ['very satisfied', 5], ['Excellent', 5],
    ['puas', 4], ['Puas, terima kasih', 4], ['saya puas', 4], ['cukup puas', 4], ['lumayan puas', 4], ['satisfied', 4], ['good', 4],
    ['biasa aja', 3], ['biasa saja', 3], ['B aja', 3], ['lumayan', 3], ['standar', 3], ['neutral', 3],
    ['kurang puas', 2], ['agak kecewa', 2], ['kurang', 2], ['Not quite satisfied', 2],
    ['kecewa', 1], ['tidak puas', 1], ['gak puas', 1], ['nggak puas', 1], ['sangat tidak puas', 1], ['kecewa berat', 1], ['dissatisfied', 1], ['terrible', 1],
  ])('words: %j → %i', (text, expected) => {
    expect(score(text)).toBe(expected);
  });

  it('reads the buttons\' labels as sent back, in either language', () => {
    expect(readRating('Not quite satisfied', { 2: ['Kurang puas', 'Not quite satisfied'] })).toEqual({ score: 2 });
    expect(readRating('Biasa saja', { 3: ['Biasa saja', 'Neutral'] })).toEqual({ score: 3 });
  });

  it('a number off the scale is asked again; thanks alone is courtesy', () => {
    expect(readRating('10')).toEqual({ outOfRange: true });
    expect(readRating('0')).toEqual({ outOfRange: true });
    expect(readRating('⭐⭐⭐⭐⭐⭐')).toEqual({ outOfRange: true });
    expect(readRating('makasih')).toEqual({ courtesy: true });
    expect(readRating('Terima kasih banyak pak')).toEqual({ courtesy: true });
    expect(readRating('ya')).toEqual({ courtesy: true });
    expect(readRating('Alhamdulillah, puas banget')).toEqual({ score: 5 });
    expect(readRating('ok')).toEqual({ courtesy: true });
    expect(readRating('oke makasih min')).toEqual({ courtesy: true });
    expect(readRating('👍')).toEqual({ courtesy: true });
  });

  it.each([
    '', '   ', '!!!', 'Lampu jalan mati di Jl. Merdeka', '5 lampu mati di gang kami', 'halo', 'menu', 'lapor', 'tidak', 'puas tapi jalannya masih licin', '4 5',
  ])('not a rating: %j', (text) => {
    expect(readRating(text)).toBeUndefined();
  });
});
