"""BMKG wave categories: every boundary belongs to the higher category."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from lumbung_weather_alerts.domain.waves import WAVE_BANDS, WaveCategory, wave_category


class TestCategoryBoundaries:
    @pytest.mark.parametrize(
        ("height_m", "expected"),
        [
            (0.0, WaveCategory.TENANG),
            (0.1, WaveCategory.TENANG),
            (0.49, WaveCategory.TENANG),
            (0.5, WaveCategory.RENDAH),
            (1.24, WaveCategory.RENDAH),
            (1.25, WaveCategory.SEDANG),
            (2.49, WaveCategory.SEDANG),
            (2.5, WaveCategory.TINGGI),
            (2.8, WaveCategory.TINGGI),
            (3.99, WaveCategory.TINGGI),
            (4.0, WaveCategory.SANGAT_TINGGI),
            (5.99, WaveCategory.SANGAT_TINGGI),
            (6.0, WaveCategory.EKSTREM),
            (8.99, WaveCategory.EKSTREM),
            (9.0, WaveCategory.SANGAT_EKSTREM),
            (14.0, WaveCategory.SANGAT_EKSTREM),
        ],
    )
    def test_height_falls_in_the_bmkg_category(
        self, height_m: float, expected: WaveCategory
    ) -> None:
        assert wave_category(height_m) is expected

    def test_negative_height_is_a_caller_bug(self) -> None:
        with pytest.raises(ValueError, match="negative"):
            wave_category(-0.1)

    @given(st.floats(min_value=0, max_value=30), st.floats(min_value=0, max_value=30))
    def test_higher_waves_never_give_a_calmer_category(self, a: float, b: float) -> None:
        low, high = sorted((a, b))
        assert wave_category(low) <= wave_category(high)


class TestCategoryLabels:
    @pytest.mark.parametrize(
        ("category", "label_id", "label_en"),
        [
            (WaveCategory.TENANG, "tenang", "calm"),
            (WaveCategory.RENDAH, "rendah", "slight"),
            (WaveCategory.SEDANG, "sedang", "moderate"),
            (WaveCategory.TINGGI, "tinggi", "rough"),
            (WaveCategory.SANGAT_TINGGI, "sangat tinggi", "very rough"),
            (WaveCategory.EKSTREM, "ekstrem", "high"),
            (WaveCategory.SANGAT_EKSTREM, "sangat ekstrem", "very high"),
        ],
    )
    def test_each_category_has_indonesian_and_english_names(
        self, category: WaveCategory, label_id: str, label_en: str
    ) -> None:
        assert (category.label_id, category.label_en) == (label_id, label_en)


class TestCategoryOrder:
    def test_categories_are_ordered_from_calm_to_very_high(self) -> None:
        ordered = [band.category for band in WAVE_BANDS]
        assert ordered == sorted(WaveCategory, key=lambda c: c.rank)
        assert WaveCategory.TENANG < WaveCategory.SEDANG < WaveCategory.SANGAT_EKSTREM
        assert max(WaveCategory.TINGGI, WaveCategory.RENDAH) is WaveCategory.TINGGI

    def test_table_bounds_increase(self) -> None:
        bounds = [band.from_m for band in WAVE_BANDS]
        assert bounds == sorted(bounds)
        assert len(set(bounds)) == len(bounds)
