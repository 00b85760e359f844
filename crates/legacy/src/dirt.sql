-- How often each kind of the real legacy data's dirt occurs (`UNK` codes, positive longitudes,
-- NUL bytes, NULL statuses, ...), plus the audit NULLs that must
-- never occur. One row per kind; runs with search_path set to the stand-in's schema.
SELECT 'status_null', count(*) FROM wells_wells WHERE acceptance_status_code IS NULL
UNION ALL SELECT 'status_pending', count(*) FROM wells_wells WHERE acceptance_status_code = 'PENDING'
UNION ALL SELECT 'status_rejected', count(*) FROM wells_wells WHERE acceptance_status_code = 'REJECTED'
UNION ALL SELECT 'status_new', count(*) FROM wells_wells WHERE acceptance_status_code = 'NEW'
UNION ALL SELECT 'unk_well_status', count(*) FROM wells_wells WHERE status_of_well_code = 'UNK'
UNION ALL SELECT 'unk_well_use', count(*) FROM wells_wells WHERE well_use_code = 'UNK'
UNION ALL SELECT 'unk_yield_unit', count(*) FROM wells_wells WHERE yield_unit_code = 'UNK'
UNION ALL SELECT 'unk_screen_type', count(*) FROM wells_wells WHERE screen_type_code = 'UNK'
UNION ALL SELECT 'unk_screen_material', count(*) FROM wells_wells WHERE screen_material_code = 'UNK'
UNION ALL SELECT 'unk_seal_method', count(*) FROM wells_wells WHERE surface_seal_method_code = 'UNK'
UNION ALL SELECT 'unk_seal_material', count(*) FROM wells_wells WHERE surface_seal_material_code = 'UNK'
UNION ALL SELECT 'unk_production_method', count(*) FROM wells_production_data WHERE yield_estimated_method_code = 'UNK'
UNION ALL SELECT 'unk_casing_material', count(*) FROM wells_casings WHERE casing_material_code = 'UNK'
UNION ALL SELECT 'usgm_well', count(*) FROM wells_wells WHERE yield_unit_code = 'USGM'
UNION ALL SELECT 'usgm_production', count(*) FROM wells_production_data WHERE test_rate_units_code = 'USGM'
UNION ALL SELECT 'usgm_lithology', count(*) FROM wells_lithology_descriptions WHERE water_bearing_est_flw_unt_cd = 'USGM'
UNION ALL SELECT 'oth_well_use', count(*) FROM wells_wells WHERE well_use_code = 'OTH'
UNION ALL SELECT 'wash_state', count(*) FROM wells_owners WHERE province_state_code = 'WASH_STATE'
UNION ALL SELECT 'null_province', count(*) FROM wells_owners WHERE province_state_code IS NULL
UNION ALL SELECT 'abandoned_observation', count(*) FROM wells_wells WHERE ministry_observation_well_stat = 'Abandoned'
UNION ALL SELECT 'assembly_k_riser_two_spaces', count(*) FROM wells_screens WHERE screen_assembly_type_code = 'K  & Riser'
UNION ALL SELECT 'assembly_l', count(*) FROM wells_screens WHERE screen_assembly_type_code = 'L'
UNION ALL SELECT 'positive_longitude', count(*) FROM wells_wells WHERE longitude > 0
UNION ALL SELECT 'control_chars_lithology', count(*) FROM wells_lithology_descriptions WHERE lithology_raw_data ~ '[\x01-\x1f]'
UNION ALL SELECT 'flag_disinfected_null', count(*) FROM wells_wells WHERE well_disinfected_ind IS NULL
UNION ALL SELECT 'flag_drive_shoe_null', count(*) FROM wells_casings WHERE casing_drive_shoe_ind IS NULL
UNION ALL SELECT 'perforation_all_null', count(*) FROM wells_perforations
    WHERE num_nulls(liner_from, liner_to, liner_diameter, liner_thickness, liner_perforation_from, liner_perforation_to) = 6
UNION ALL SELECT 'perforation_all_zero', count(*) FROM wells_perforations
    WHERE liner_from = 0 AND liner_to = 0 AND liner_diameter = 0 AND liner_thickness = 0
      AND liner_perforation_from = 0 AND liner_perforation_to = 0
UNION ALL SELECT 'null_who_updated', (SELECT count(*) FROM wells_wells WHERE who_updated IS NULL)
    + (SELECT count(*) FROM wells_bcgs_numbers WHERE who_updated IS NULL)
    + (SELECT count(*) FROM wells_lithology_descriptions WHERE who_updated IS NULL)
UNION ALL SELECT 'null_who_created', (SELECT count(*) FROM wells_wells WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_owners WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_bcgs_numbers WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_screens WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_production_data WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_casings WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_perforations WHERE who_created IS NULL)
    + (SELECT count(*) FROM gw_aquifer_wells WHERE who_created IS NULL)
    + (SELECT count(*) FROM wells_lithology_descriptions WHERE who_created IS NULL);
