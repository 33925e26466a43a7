"""Clinical signal: does a message say anything about a body, a symptom, a condition or a
medicine? English and Spanish, lay and medical words, informal spelling. Pure Python.

Triage's safe side rests on it (``closeloop.lib.classify``): a message with a clinical signal
is never taken to "other" by the off-topic gate, and a message that reports a **symptom**
(``strong``) goes to clinical staff even when it also asks for something else ("refill, and my
rash is worse"; "can I reschedule, I have a fever"). A **clinical noun** (``strong`` false: a
medicine, a test, a body part named as someone's) keeps the message away from "other" but
leaves an administrative request where it is ("a bill for my flu shot", "records of my x-ray").

Matched on words, not on one long regular expression: each word of the normalised text (lower
case, no accents, as ``textnorm.normalize`` gives it) is looked up in sets, with doubled
letters squeezed ("eearache", "diarrea" and "diarea" read alike), Spanish and English word
beginnings ("vomit…", "hinch…"), phrases of two to four words ("having a fit", "the runs",
"me siento mal"), and one dropped, added, changed or swapped letter in a longer word
("eriod", "hingles"). Words that only look like one of ours ("spain", "hills") are listed in
``NOT_TYPOS``. A set lookup per word keeps the classifier fast (about 10 µs a message).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from closeloop.lib.textnorm import deletions

_REPEATS = re.compile(r"(.)\1+")


def squeeze(word: str) -> str:
    """``"eearache"`` -> ``"earache"``, ``"diarrea"`` -> ``"diarea"``: doubled letters once."""
    return _REPEATS.sub(r"\1", word)


def _words(text: str) -> list[str]:
    return text.split()


def _set(text: str) -> frozenset[str]:
    """Whitespace-separated entries, squeezed (phrases keep their spaces; ``_`` is a space)."""
    return frozenset(
        " ".join(squeeze(w) for w in entry.replace("_", " ").split()) for entry in text.split()
    )


# --- Symptoms, sensations, injuries and conditions (strong: a clinical signal that wins) ---

#: Whole words, English.
SYMPTOMS_EN = _set(
    """
    pain pains painful painfull painkiller painkillers it_hurts hurts_when hurts_to hurts_so
    hurts_a_lot hurting_so im_hurting ache aches aching achy achey achin acheing sore
    soreness tenderness throbbing throbs stabbing twinge twinges spasm spasms cramp cramps
    cramping crampy fever fevers feverish fevered fevr chills shivering shivers sweats
    sweating clammy cough coughs coughing coughed coff coffing sneeze sneezes sneezing
    sneezy wheeze wheezing wheezy phlegm mucus snot snotty congested congestion stuffy
    stuffed_up runny sniffles sniffly hoarse hoarseness laryngitis sinus sinuses sinusitis
    tonsillitis tonsils strep rash rashes itch itchy itching itches itchiness scratchy hives
    welts blotches blotchy lumps bump_on lesion lesions sores blister blisters boils abscess
    abscessed cyst cysts wart warts verruca corns callus calluses bunion bunions ingrown
    fungus fungal ringworm eczema psoriasis dermatitis acne pimple pimples zit zits breakout
    breakouts dandruff lice nits scabies swelling swollen swolen swelled puffy puffiness
    inflamed inflammation bloated bloating bruise bruises bruised bruising dizzy dizziness
    dizzyness dizy lightheaded woozy vertigo faint fainted fainting nausea nauseous
    nauseated nausious queasy vomit vomiting vomited vomitting puke puked puking throwing_up
    threw_up throw_up throwin_up barf barfing retching dry_heaving diarrhea diarrhoea
    diarhea diahrea diarreah diarrea the_runs loose_stools constipated constipation
    cant_poop heartburn indigestion reflux gerd gassy bloaty stomachache stomach_ache
    tummy_ache tummyache bellyache belly_ache upset_stomach sick_to_my_stomach headache
    headaches headach hedache head_ache migraine migraines migrane migranes migrain
    toothache tooth_ache earache ear_ache earaches backache back_pain neck_pain joint_pain
    chest_pain numb numbness tingling tingly tingle pins_and_needles weakness
    shaking_all_over tremor tremors trembling twitching jerking convulsing convulsion
    convulsions seizure seizures having_a_fit had_a_fit foaming unresponsive passed_out
    blacked_out disoriented slurred slurring double_vision floaters bloodshot pink_eye
    pinkeye stye styes crusty watery_eyes eye_infection ear_infection tinnitus
    ringing_in_my_ear ringing_in_my_ears muffled_hearing palpitations palpitation
    racing_heart heart_racing heart_is_racing pounding_heart skipped_beats
    irregular_heartbeat afib short_of_breath out_of_breath winded shortness_of_breath
    breathless tight_chest chest_tightness fatigue fatigued exhausted exhaustion lethargic
    wiped_out no_energy low_energy tired_all_the_time feeling_run_down so_run_down
    cant_sleep insomnia nightmares anxiety panic_attack panic_attacks depressed depression
    feeling_down feeling_low hopeless suicidal self_harm cutting_myself mood_swings sprain
    sprained sprains strained twisted_my rolled_my pulled_a_muscle pulled_muscle tweaked_my
    threw_out_my_back pinched_nerve sciatica stiffness fracture fractured broken_bone
    broken_arm broken_leg broken_wrist broken_ankle broken_toe broken_finger dislocated
    concussion hit_my_head bumped_my_head fell_and cut_myself gash laceration stitches
    burned_myself burnt_myself scalded sunburn sunburned sunburnt frostbite bitten bit_me
    stung tick_bite bee_sting dog_bite infection infections infected infecting pus oozing
    discharge_from bleeding bleed bleeds bled nosebleed nosebleeds blood_in sick sickness
    illness unwell nauseousness under_the_weather feel_awful feel_terrible feel_horrible
    feel_sick feel_ill feel_lousy feel_crappy feel_off feeling_awful feeling_terrible
    feeling_sick feeling_ill feeling_off not_feeling_well not_feeling_good dont_feel_well
    dont_feel_good a_cold the_flu have_a_cold has_a_cold got_a_cold caught_a_cold head_cold
    chest_cold cold_sore cold_sores canker canker_sore mouth_ulcer ulcer ulcers thrush
    cavity cavities abscessed_tooth cracked_tooth broken_tooth loose_tooth tooth_fell
    lost_a_filling filling_fell crown_fell dry_socket gingivitis bleeding_gums receding_gums
    sensitive_teeth sensitive_tooth bad_breath dry_mouth jaw_pain tmj lockjaw clicking_jaw
    grinding_my_teeth clenching allergic_reaction anaphylaxis bronchitis pneumonia influenza
    strep_throat sore_throat shingles chickenpox chicken_pox measles mumps rsv croup colic
    colicky uti utis bladder_infection yeast_infection burning_when pee_blood peeing_blood
    urinating incontinence leaking_urine frequent_urination period_cramps spotting
    missed_period late_period period_is_late heavy_period miscarriage contractions
    morning_sickness mastitis hot_flashes hot_flash night_sweats hemorrhoids hemorrhoid
    piles hernia varicose gout arthritis tendonitis bursitis carpal_tunnel plantar_fasciitis
    shin_splints high_blood_pressure low_blood_pressure blood_sugar_is high_sugar low_sugar
    anemia anemic anaemia dehydrated dehydration cancer tumor tumour heart_attack epilepsy
    overdose overdosed poisoned poisoning side_effect side_effects weight_loss losing_weight
    lost_weight gaining_weight no_appetite lost_my_appetite breath breathe breathing
    breathless cant_breathe splinter splinters athletes_foot hair_loss losing_my_hair
    blocked_nose dry_skin with_gas have_gas gas_pains gas_pain tooth_pulled teeth_pulled
    numbing a_mole this_mole my_mole mole_on sensitive_to_cold sensitive_to_hot
    frequent_urination peeing_a_lot pee_a_lot hangover has_a_temperature have_a_temperature
    had_a_temperature got_a_temperature running_a_temperature running_a_temp
    with_a_temperature high_temperature_of diaper_rash heat_rash cant_enjoy no_interest_in
    feel_empty feeling_empty worthless cant_stop_crying crying_all_the_time low_mood
    feeling_really_low feeling_so_low feeling_very_low feel_down feeling_depressed boo_boo
    owie ouchie upchuck dry_heaves heaving gagging choking coughing_up spitting_up teething
    cradle_cap jaundice yellow_skin burning_up running_hot hot_to_the_touch sore_all_over
    aching_all_over achy_all_over bedridden laid_up cant_keep_anything_down
    cant_keep_food_down cant_keep_it_down not_eating wont_eat not_drinking wont_drink
    fewer_wet_diapers limping cant_walk cant_put_weight gives_out gave_out knot_in
    charley_horse muscle_spasm growing_pains bedwetting wetting_the_bed goopy gunk
    eye_discharge ear_drainage draining tugging_at pulling_at_his_ear pulling_at_her_ear
    ear_pain ears_ringing ringing_ears clogged_ear plugged_ear earwax ear_wax stuffed_nose
    stopped_up sinus_pressure post_nasal_drip postnasal swollen_glands swollen_tonsils
    white_spots lost_my_voice raspy croupy barking_cough whooping dry_cough hacking
    chest_congestion gasping heart_flutter heart_flutters fluttering skipping_beats
    heart_skipping racing_pulse low_blood_sugar hypoglycemia blurry_vision blurred_vision
    seeing_spots seeing_double flashes_of_light eye_twitch itchy_eyes dry_eyes
    sensitive_to_light splitting_headache pounding_headache tension_headache
    head_is_pounding pulled_my_back back_went_out slipped_a_disc herniated bulging_disc
    stiff_neck crick_in_my_neck whiplash fell_down took_a_fall slipped_and_fell
    tripped_and_fell twisted_ankle rolled_ankle jammed_my_finger stubbed_my_toe
    slammed_my_finger dog_bit bug_bites bug_bite mosquito_bites spider_bite wasp_sting
    jellyfish poison_ivy poison_oak heat_stroke heatstroke heat_exhaustion hypothermia
    stepped_on_a_nail rusty_nail tetanus burns_when_i_pee it_burns_when peeing_blood
    blood_in_my_urine blood_in_my_pee blood_in_my_stool black_stool black_stools tarry
    itchy_bottom pinworms worms vaginal smell_down_there down_there lump_in_my_breast
    breast_lump nipple_discharge sore_nipples engorged clogged_duct bleeding_between
    heavy_flow blood_clots clots no_period havent_had_my_period havent_gotten_my_period
    period_hasnt baby_isnt_moving water_broke leaking_fluid low_libido erectile impotence
    testicle_pain thirsty_all_the_time always_thirsty cant_gain_weight hair_falling_out
    losing_hair bald_spot brittle_nails nail_fungus toenail_fungus ingrown_toenail heel_pain
    swollen_feet swollen_ankles spider_veins leg_cramps restless_legs numb_toes neuropathy
    memory_loss forgetful forgetting_things brain_fog panicky on_edge cant_focus
    racing_thoughts hearing_voices paranoid manic drinking_too_much relapse relapsed
    sensitive_to_sweets hole_in_my_tooth black_spot_on_my_tooth tooth_is_loose wiggly_tooth
    gum_is_swollen swollen_gum swollen_gums bump_on_my_gum gum_boil cracked_crown
    crown_came_off cap_fell_off cap_came_off temporary_fell_out temporary_came_off
    filling_came_out filling_fell_out bracket_broke wire_is_poking poking_my braces_hurt
    dentures_hurt denture_sore jaw_clicks jaw_locks teeth_grinding bite_feels_off
    bite_is_off after_extraction lip_still_numb still_numb bit_my_tongue bit_my_cheek
    white_patch gums_bleed bad_taste metallic_taste weird_taste bitter_taste
    taste_in_my_mouth lost_my_taste loss_of_taste lost_my_smell cant_taste cant_smell
    throbbing_tooth poorly off_colour off_color knackered gippy_tummy dodgy_stomach
    the_trots squits tummy_bug stomach_bug stomach_flu food_poisoning norovirus lurgy chesty
    tickly_cough bunged_up blocked_up streaming_cold cold_sweat cold_sweats feeling_rough
    gammy pulled_hamstring hamstring groin_strain tennis_elbow frozen_shoulder rotator_cuff
    trigger_finger ganglion lipoma skin_tag skin_tags rosacea cellulitis impetigo
    kidney_infection kidney_stone kidney_stones gallstones gallbladder appendicitis ibs
    crohns colitis celiac coeliac lactose_intolerant mono glandular_fever quinsy
    sinus_infection swimmers_ear glue_ear perforated_eardrum cluster_headache chilblains
    flare_up flared_up flaring_up flareup want_to_die kill_myself end_my_life feeling_poorly
    bug_going_around throat_is_raw raw_throat
    """
)

#: Whole words, Spanish (with informal and regional spellings).
SYMPTOMS_ES = _set(
    """
    dolor dolores dolorido adolorido adolorida doloroso dolorosa dolr duele duelen dueleee
    dolia dolio punzada punzadas punzante piquetes calambre calambres fiebre fievre fiebres
    calentura kalentura destemplado destemplada temperatura_alta escalofrios escalofrio
    sudores sudoracion tos toz tosiendo toso tosia flema flemas gargajo gargajos mocos moco
    moquera catarro catarrro resfriado resfriada resfrio resfriao constipado constipada
    gripa gripe grippe influenza congestion congestionado congestionada nariz_tapada
    ronquera ronco ronca afonia afonico carraspera estornudos estornudo estornudando
    sinusitis anginas amigdalas amigdalitis faringitis laringitis garganta_irritada
    salpullido sarpullido ronchas roncha comezon comeson picazon picason me_pica le_pica
    granos granitos barros espinillas jiotes manchas_en ampolla ampollas verruga verrugas
    mezquino mezquinos callo_en juanete juanetes unero hongos pie_de_atleta sarna piojos
    liendres caspa acne herpes fuego_en_el_labio fuego_en_la_boca llagas llaga aftas
    boqueras labio_partido hinchado hinchada hinchazon inchado inchada inchazon inflamado
    inflamada inflamacion abultado bolita bolitas bulto bultos quiste chichon moreton
    moretones moreteado moretiado cardenal cardenales mareo mareos mareado mareada mariado
    mariada vertigo desmayo desmayos desmaye desmayo desvaneci soponcio patatus nauseas
    nausea asco ascos bascas basca vomito vomitos vomitando vomite bomito bomitando gomito
    gomitando guacara guacarear devolviendo devolvi diarrea diarea chorro chorrillo chorrera
    soltura cursera churrias estrenido estrenida estrenimiento estitico estitiquez
    tapado_del_estomago agruras acidez reflujo gastritis colitis colico colicos retortijones
    torzon empacho empachado empachada gases inflamado_del_estomago entumido entumida
    entumecido entumecida hormigueo adormecido adormecida temblor temblores tiemblo tiembla
    convulsion convulsiones convulsiona ataque_epileptico le_dio_un_ataque confundido
    confundida desorientado desorientada vista_borrosa veo_borroso veo_doble borroso lagañas
    perrilla orzuelo conjuntivitis ojo_rojo ojos_rojos zumbido zumbidos oido_tapado sordera
    palpitaciones taquicardia arritmia falta_de_aire ahogo me_ahogo cansancio agotado
    agotada agotamiento fatiga debilidad debil sin_fuerzas sin_energia insomnio
    no_puedo_dormir no_duermo pesadillas ansiedad angustia depresion deprimido deprimida
    ataque_de_panico ataques_de_panico nervios estres ganas_de_llorar esguince torcedura
    torci me_torci zafe zafado luxacion fractura fracturado fracturada hueso_roto me_cai
    me_pegue un_golpe me_golpee golpeado golpeada me_corte cortada cortadura raspon herida
    heridas quemadura quemaduras me_queme picadura picaduras me_mordio garrapata piquete_de
    infeccion infecciones infectado infectada infeccionado pus supura supurando sangrado
    sangrando sangra sangran sangro hemorragia enfermo enferma enfermos enfermedad
    me_siento_mal se_siente_mal ando_mal amaneci_mal malestar me_siento_fatal cuerpo_cortado
    mal_de_orin ardor arde ardor_al_orinar orino_mucho orina_con cistitis flujo_vaginal
    infeccion_urinaria regla_atrasada atraso aborto_espontaneo contracciones manchado
    manchando bochornos sofocos hemorroides almorranas hernia varices varices_en gota_en
    artritis artrosis reumas reuma reumatismo ciatica tendinitis azucar_alta azucar_baja
    presion_alta presion_baja anemia anemico anemica deshidratado deshidratada
    deshidratacion cancer tumor derrame infarto embolia epilepsia sobredosis envenenado
    envenenada intoxicado intoxicada intoxicacion efecto_secundario efectos_secundarios
    me_cae_mal me_hizo_dano bajando_de_peso baje_de_peso sin_hambre no_me_da_hambre
    sin_apetito caries muela_picada diente_picado postemilla flemon absceso encias_sangran
    sangran_las_encias sangrado_de_encias dientes_sensibles diente_flojo muela_floja
    se_me_cayo_la_calza se_me_cayo_una_calza se_me_cayo_el_empaste se_me_cayo_la_corona
    se_me_rompio_un_diente diente_roto muela_rota mal_aliento boca_seca mandibula_trabada
    rechino bruxismo reaccion_alergica bronquitis neumonia pulmonia sarampion varicela
    paperas rubeola resaca me_arde me_quema me_late me_jala me_truena truena_la cruje
    se_me_duerme se_me_durmio se_me_entume no_siento_la no_siento_el ando_malo ando_mala
    estoy_malo estoy_mala me_siento_malo me_dio_gripa me_pego_la_gripa agripado agripada
    catarro garganta_inflamada me_duele_tragar tos_seca tos_con_flema silbido chiflido
    pecho_apretado me_falta_el_aire me_canso decaido decaida desganado desganada ando_aguado
    ando_aguada aguadito bajoneado bajoneada palido palida piel_amarilla ojos_amarillos
    ictericia sudando_frio sudor_frio ganas_de_vomitar evacuaciones popo_con_sangre heces
    no_he_ido_al_bano no_he_podido_ir_al_bano no_puedo_ir_al_bano no_obro panza_inflamada
    ardor_de_estomago ulcera comezon_en_el_ano lombrices parasitos oxiuros amibas
    infeccion_de_orina me_arde_al_orinar orino_sangre orina_oscura comezon_vaginal
    candidiasis regla_dolorosa colicos_menstruales se_me_atraso_la_regla no_me_ha_bajado
    no_me_baja sangrado_abundante calores resequedad piel_reseca una_enterrada
    hongo_en_las_unas espolon venas_saltadas piernas_hinchadas pies_hinchados acido_urico
    dolor_de_huesos lumbago dolor_de_cintura torticolis me_lastime lastimado lastimada
    me_quebre fisura ferula puntadas alacran me_pico tetanos ataque_de_nervios tristeza
    no_tengo_ganas agobiado agobiada susto mal_de_ojo mollera_caida caida_de_mollera
    le_dio_un_aire me_dio_un_aire se_me_mueve_un_diente se_me_despego se_despego_la_corona
    frenos_me_lastiman alambre_me_pica encias_inflamadas encias_hinchadas
    me_sangran_las_encias infeccion_en_la_muela me_mordi_la_lengua sigo_dormido sigo_dormida
    dentadura_me_lastima placa_me_lastima me_truena_la_mandibula rechino_los_dientes
    aprieto_los_dientes sensibilidad dule duelee respirar respiro respirando
    falta_de_apetito caida_del_cabello caida_del_pelo se_me_cae_el_pelo se_me_cae_el_cabello
    despostillado despostillada tieso tiesa una_enterrada unas_enterradas piel_seca
    fuego_labial estomago_revuelto revuelto tapadura se_me_cayo_una_tapadura
    sacaron_una_muela sacaron_la_muela sacaron_un_diente lo_dormido diente_sensible
    dientes_sensibles sensible_al_frio sensibles_al_frio un_lunar lunar_que este_lunar
    mi_lunar migana rozadura rozaduras rozado rozada panalitis sin_ganas_de_nada
    me_siento_vacio me_siento_vacia me_siento_triste muy_triste lloro_mucho
    no_tengo_ganas_de_nada monga jaqueca pasmo me_dio_una_fatiga fogaje vahido
    dolor_de_barriga pujo pujos nacido un_nacido golondrino carnosidad nube_en_el_ojo
    dolor_de_ijada hormiguillo piquina rasquina ardentia agrieras acedia llenura maluquera
    maluco maluca achacado achacada achaques rendido_de_cansancio pachucho pachucha chungo
    me_encuentro_mal enfriado enfriada tos_de_perro quebrantado quebrantada quebranto
    dolor_de_cuerpo estoy_molido estoy_molida desguanzado desguanzada telele se_privo
    soroche mal_de_altura chupo descompuesto descompuesta descompostura chucho_de_frio
    chuchos lumbalgia contractura me_punza latidos_en bilis piedras_en_la_vesicula vesicula
    piedras_en_el_rinon calculos_en me_arde_al_hacer ansioso ansiosa quiero_morir
    me_quiero_morir no_quiero_vivir me_anda_doliendo ardor_de_garganta
    """
)

_FALLEN_FROM = """
    bike bicycle horse ladder bed couch swing slide trampoline roof scooter skateboard chair
    stairs monkey_bars bunk_bed bici bicicleta caballo escalera cama columpio resbaladilla
    patineta techo silla moto
"""
_FALLS = " ".join(
    f"{fall}_{the}_{thing}"
    for fall in ("fell_off", "falling_off", "fall_off", "se_cayo_de", "me_cai_de", "cayo_de")
    for the in ("my", "his", "her", "the", "a", "la", "el", "su", "mi", "un", "una")
    for thing in _FALLEN_FROM.split()
)
#: The body's functions in everyday words, a knock out and a fall (strong): what patients
#: say instead of "urination", "bowel movement" or "loss of consciousness".
SYMPTOMS_PLAIN = _set(
    """
    my_wee his_wee her_wee the_wee when_i_wee when_he_wees when_she_wees wee_smells
    wee_is wee_burns wee_stings wees_a_lot peeing pee_smells pee_is done_a_number_two
    do_a_number_two number_two_in bowel bowels bowel_movement bowel_movements my_stool
    his_stool her_stool stool_is going_more_often going_a_lot_more
    going_to_the_bathroom_a_lot keep_needing_to_go always_need_to_go urinate urine
    pipi pipis hace_pipi hago_pipi hacer_pipi popo popis hace_popo hago_popo hacer_popo
    caquita hacer_del_dos hace_del_dos hizo_del_dos orinar orino orina orinando orinas mear meando
    meo ir_al_bano_seguido voy_al_bano_a_cada_rato deposiciones evacuar excremento
    knocked_out knocked_himself_out knocked_herself_out knocked_myself_out
    knocked_themselves_out knocked_unconscious knocked_cold lost_consciousness
    loss_of_consciousness inconsciente perdio_el_conocimiento perdi_el_conocimiento
    perdio_el_sentido perdi_el_sentido se_noqueo al_caerse despues_de_caerse
    havent_done_a_number_two hasnt_done_a_number_two havent_pooped hasnt_pooped cant_pee
    havent_peed hasnt_peed no_he_hecho_popo no_ha_hecho_popo no_ha_hecho_pipi no_hace_popo
    no_hace_pipi no_puedo_orinar
    killing_me is_killing_me discomfort uncomfortable una_encarnada una_encarnado encarnada
    encarnado oidos_tapados when_i_bite when_i_chew cuando_muerdo al_morder not_sleeping
    unmotivated cuttin_myself hurtin_myself
    """
    + _FALLS
)
#: Idioms that are a symptom only where the message names a body part ("my back is killing
#: me"), not said of traffic or a bill ("this traffic is killing me, running late").
BESIDE_A_BODY = _set("killing_me is_killing_me")
#: A past illness, a stay in hospital, a relative's illness or death, a wish to be checked,
#: a named condition (weak): a check-up asked for because of them is a clinical question.
CARE_HISTORY = _set(
    """
    died_of died_from passed_away_from passed_away_of passed_from murio_de se_murio_de
    murio_por fallecio_de fallecio_por hospitalized hospitalised was_in_the_hospital
    in_the_hospital icu intensive_care discharged er_visit hospitalizado hospitalizada
    internado internada me_internaron lo_internaron la_internaron terapia_intensiva
    dado_de_alta dada_de_alta me_dieron_de_alta transplant trasplante get_checked
    get_myself_checked be_checked be_screened get_screened be_tested get_tested
    me_deberia_revisar revisarme que_me_revisen me_revisen me_deben_revisar checarme
    que_me_chequen hacerme_un_chequeo hacerme_estudios sepsis septicemia aneurysm
    aneurysms aneurisma aneurismas meningitis lupus hepatitis hiv vih aids sida
    tuberculosis dengue thrombosis trombosis dvt embolism leukemia leucemia lymphoma
    linfoma melanoma alzheimers alzheimer dementia demencia parkinsons parkinson
    sclerosis esclerosis cirrhosis cirrosis copd epoc emphysema enfisema kidney_failure
    insuficiencia_renal dialysis dialisis heart_failure heart_disease cardiopatia
    preeclampsia eclampsia ictus bypass posparto postpartum postparto therapist terapeuta psicologo
    psicologa psychologist psychiatrist psiquiatra pacemaker marcapasos reaction reactions
    reacts reaccion reacciones reacciona scar scars
    scarring cicatriz cicatrices
    """
)

#: Word beginnings (at least five letters, squeezed): any word that starts so.
SYMPTOM_STEMS = frozenset(
    squeeze(stem)
    for stem in _words(
        """
    vomit bomit gomit nause nausi diarr diarh diahr constipat headach hedach migrain migran
    stomachach bellyach toothach earach backach heartburn infect infecc inflam swell swolle
    bleed bruis sprain fractur concuss seizur convuls trembl numbn tingl itchi rashe wheez
    cough sneez phlegm sinusi tonsil fever feveri insomn depress anxiet suicid hemorr
    constip bloat cramp spasm arthrit tendonit sciati eczem psoria dermatit abscess tumor
    tumour cancer anemi anaemi pneumon bronchit influenz measle chickenpo miscarr menstru
    ovulat urinat incontin prostat hemorrhoid blister sunburn frostbit dehydrat nosebleed
    hoarse laryngi tinnit vertig unconsci overdos poison intoxic dolor dolie adolor duele
    duelen punzad calambr fiebr calentur escalofr estornud comez picaz ardor sarpul salpul
    ronch ampol hinch inchad inchaz morete desmay desvanec mareo maread mariad diarre
    estreni estitic agrur retortij empach entumi hormigue adormec tembl convuls palpit
    taquicard arritm ahoga cansanc agotad fatig debilid deprim depresi ansied angust esguin
    torced fractur quemad picadur infecc supur hemorrag enferm malesta contracc hemorroi
    almorran artrit artros reumat ciatic tendini anemi deshidrat epilep sobredos envenen
    intoxic bronqui neumon pulmoni sarampi varicel lastim
    """
    )
)

#: Words that report a symptom beside a body part ("my knee hurts", "a cut on my hand") and
#: are ambiguous alone ("it hurt my credit score", "the video is blurry"): strong when the
#: message names a body part, nothing otherwise.
AMBIGUOUS = _set(
    """
    hurt hurts hurting hurtin hurted hurty blurry blurred blurriness burn burns burning
    burned burnt broke broken cut cuts stiff shaking shaky twitch twitches twitching bumps
    bump spots red tender weak throbs popping clicking cracking lump stroke bloody boil
    chipped scraped scrape quemado quemada roto rota cortado cortada rojo roja rojos rojas
    manchas mancha debil borrosa borroso quebro quebre quebrado quebrada rompi rompio rompe
    """
)

#: Conditions and states that keep a message clinical but may come with an administrative
#: request ("do you see diabetic patients", "the covid test bill"): weak.
WEAK_SYMPTOMS = _set(
    """
    pregnant pregnancy diabetes diabetic hypertension allergy allergies allergic asthma
    asthmatic covid flu tired anxious stressed blood_pressure_check embarazada embarazo
    embarazadas diabetes diabetico diabetica hipertension alergia alergias alergico alergica
    asma asmatico asmatica covid cansado cansada sangre
    """
)

#: Phrases that look clinical and are not ("sick days", "a stroke of luck", "grab a bite").
NEUTRAL = _set(
    """
    sick_day sick_days sick_leave sick_time sick_pay sick_of sick_and_tired sick_note
    stroke_of heat_of_the cold_blooded cold_weather cold_outside traffic_congestion
    congestion_on pain_in_the_neck break_a_leg a_bite grab_a_bite bite_to_eat tire_pressure
    water_pressure peer_pressure under_pressure sore_loser cancer_horoscope
    horoscope_for_cancer zodiac enfermera enfermeras enfermero enfermeros dermatologist
    dermatologo dermatologa dermatology dermatologia devolviendo sangria spain toss filling
    fillings filing sick_visit gas_station gas_prices gas_price gas_tank gas_mileage
    mole_poblano back_porch back_yard backyard back_door back_seat back_up feet_of
    feet_in_a_mile square_feet cold_cut a_cold_cut cut_my_hair cut_the_cable cut_off
    burn_a_cd burn_calories burned_calories broke_up broken_link link_is_broken broken_phone
    phone_is_broken suero_de_leche enfermeria enfermerias diario diarios died_of_laughter
    murio_de_risa se_atraso se_atrasaron se_atraso_el se_atraso_la vuelo_atrasado a_wee
    wee_bit wee_hours recien_nacido recien_nacida recien_nacidos
    recien_nacidas
    """
)

# --- Clinical nouns (weak: keep a message from "other"; admin categories may hold it) ---

#: Medicines, tests, procedures and care words, English and Spanish.
CLINICAL_NOUNS = _set(
    """
    medication medications medicine medicines meds med pill pills tablet tablets capsule
    capsules dose doses dosage prescription prescriptions prescribed refill refills
    antibiotic antibiotics antibiotico antibioticos inhaler inhalers nebulizer epipen
    insulin insulina ointment eye_drops ear_drops drops_for syrup jarabe tylenol advil
    motrin aleve aspirin ibuprofen acetaminophen paracetamol naproxen amoxicillin
    amoxicilina penicillin penicilina azithromycin zpack metformin lisinopril atorvastatin
    amlodipine losartan omeprazole levothyroxine sertraline prozac zoloft lexapro xanax
    gabapentin prednisone steroids steroid benadryl claritin zyrtec allegra sudafed mucinex
    nyquil dayquil pepto imodium miralax tums antacid antacids birth_control the_pill iud
    vitamins vitamin supplements medicamento medicamentos medicina medicinas pastilla
    pastillas pastila pastilas tableta tabletas capsulas dosis receta recetas pomada
    gotas_para unguento inyeccion inyecciones suero symptom symptoms sintoma sintomas
    diagnosis diagnosed diagnostico blood_test blood_work bloodwork labwork lab_results
    test_results biopsy mri ct_scan cat_scan ultrasound mammogram mammography colonoscopy
    pap_smear ekg ecg x_ray xray xrays urine_sample stool_sample glucose a1c
    analisis_de_sangre examen_de_sangre estudios_de_sangre ultrasonido mamografia
    colonoscopia papanicolau electrocardiograma radiografia glucosa stitches_out
    blood_pressure presion_arterial la_presion blood_sugar el_azucar flu_shot anestesia
    anesthesia novocaine antidepressant antidepressants adderall ritalin suboxone methadone
    oxycodone hydrocodone tramadol codeine morphine percocet vicodin norco flexeril
    cyclobenzaprine muscle_relaxer muscle_relaxant ozempic wegovy mounjaro jardiance eliquis
    xarelto warfarin coumadin plavix statin lipitor crestor synthroid norvasc hctz
    furosemide lasix albuterol ventolin flovent symbicort advair singulair montelukast
    flonase nasonex keflex cephalexin doxycycline cipro bactrim augmentin clindamycin flagyl
    metronidazole diflucan fluconazole valtrex tamiflu paxlovid melatonin ambien trazodone
    wellbutrin cymbalta effexor celexa paxil buspirone hydroxyzine propranolol metoprolol
    atenolol carvedilol spironolactone iron_pills prenatal_vitamins folic_acid estrogen
    progesterone testosterone nexplanon plan_b morning_after_pill viagra cialis finasteride
    tamsulosin flomax oxybutynin mirena accutane tretinoin hydrocortisone cortisone
    neosporin bacitracin calamine orajel anbesol chlorhexidine peridex naproxeno diclofenaco
    ketorolaco omeprazol ranitidina metamizol buscapina butilhioscina loratadina
    clorfenamina salbutamol ambroxol dexametasona cefalexina ciprofloxacino metronidazol
    metformina glibenclamida enalapril captopril atorvastatina levotiroxina sertralina
    fluoxetina clonazepam diazepam alprazolam complejo_b suero_oral electrolitos pedialyte
    vaporub arnica narcan naloxone naloxona epinephrine epinefrina adrenalina epi_pen
    glucometer glucometro test_strips tiras_reactivas oxygen_tank tanque_de_oxigeno
    crutches muletas
    """
)

#: Body parts: weak when named as someone's ("my knee", "su rodilla", "her ear").
BODY_PARTS_EN = _set(
    """
    head face forehead temple eye eyes eyelid eyelids ear ears nose nostril sinuses mouth
    lip lips tongue tooth teeth gum gums jaw throat neck shoulder shoulders arm arms elbow
    elbows wrist wrists hand hands finger fingers thumb fingernail toenail nails chest
    breast breasts nipple nipples rib ribs back spine stomach belly tummy abdomen gut groin
    hip hips butt bottom rectum vagina penis testicle testicles balls bladder kidney kidneys
    liver lungs lung heart leg legs thigh thighs knee knees calf calves shin shins ankle
    ankles foot feet heel heels toe toes skin scalp muscle muscles joints bone bones vision
    eyesight hearing voice period tonsils glands molar tailbone pelvis armpit collarbone
    cheek chin
    """
)
BODY_PARTS_ES = _set(
    """
    cabeza cara frente sien ojo ojos parpado parpados oido oidos oreja orejas nariz boca
    labio labios lengua diente dientes muela muelas encia encias mandibula quijada garganta
    cuello nuca hombro hombros brazo brazos codo codos muneca munecas mano manos dedo dedos
    pecho pechos seno senos costilla costillas espalda columna estomago panza barriga
    abdomen vientre costado cadera caderas ingle nalga nalgas vejiga rinon rinones higado
    pulmon pulmones corazon pierna piernas muslo muslos rodilla rodillas pantorrilla tobillo
    tobillos pie pies talon talones piel musculo musculos hueso huesos articulacion
    articulaciones coyunturas vista cintura regla axila
    """
)
POSSESSIVES_EN = _set("my his her their your")
POSSESSIVES_ES = _set("mi mis su sus tu tus")
BODY_PARTS = BODY_PARTS_EN | BODY_PARTS_ES

#: Words one letter away from a strong term that are words of their own (never typos).
NOT_TYPOS = frozenset(
    squeeze(word)
    for word in _set(
        """
        spain hills ashes camps ramps stoke strike paint pants paints painting pint ever
        even later water rever rough tough dough breed greed blend bleep witch pitch ditch
        dolar dollar color colour points rating cooking hoping factura facturas cance
        selling scratch carrie seating papers scrap crust quite seats print priest pride
        grips gripes group groups tours toss hinge single singles jingle tangle finger
        linger mingle seized sized season reason prison lesson person parson caller taller
        dollars colors chills coffee toffee raining
        """
    )
)


@dataclass(frozen=True)
class ClinicalSignal:
    """The words that decided it, and whether they report a symptom (``strong``)."""

    term: str
    strong: bool


#: Each term: True (a symptom), False (a clinical noun or condition), None (neutral: the
#: words are consumed and say nothing clinical).
#: Words whose doubled letters are the word: read as written, never squeezed ("poop" is not
#: "pop", "poo" not the "po" of "ppo", "pees" not "pes").
AS_WRITTEN = frozenset(
    {"poo", "poos", "poop", "poops", "pooping", "pooped", "poopy", "pooing", "pees", "weeing"}
)

#: A clinical noun said in the plural ("epipens", "inhalers") is the same noun.
_PLURAL_NOUNS = frozenset(
    noun + "s" for noun in CLINICAL_NOUNS if " " not in noun and not noun.endswith("s")
)
_TERMS: dict[str, bool | None] = {
    **dict.fromkeys(CLINICAL_NOUNS | _PLURAL_NOUNS | WEAK_SYMPTOMS | CARE_HISTORY, False),
    **dict.fromkeys(SYMPTOMS_EN | SYMPTOMS_ES | SYMPTOMS_PLAIN, True),
    **dict.fromkeys(NEUTRAL, None),
}
_PHRASES = {term: kind for term, kind in _TERMS.items() if " " in term}
_WORDS = {term: kind for term, kind in _TERMS.items() if " " not in term}


def _lengths_by_first_word(phrases: dict[str, bool | None]) -> dict[str, tuple[int, ...]]:
    """The phrases' lengths by their first word, longest first (most words start none)."""
    lengths: dict[str, set[int]] = {}
    for phrase in phrases:
        lengths.setdefault(phrase.split()[0], set()).add(len(phrase.split()))
    return {first: tuple(sorted(found, reverse=True)) for first, found in lengths.items()}


_PHRASE_LENGTHS = _lengths_by_first_word(_PHRASES)
_STEM_LENGTHS = tuple(sorted({len(stem) for stem in SYMPTOM_STEMS}))


#: Every word a term is made of, and the body parts: what a misspelt word is corrected to.
_VOCABULARY = frozenset(
    {part for term, kind in _TERMS.items() if kind for part in term.split()}
    | BODY_PARTS
    | AMBIGUOUS
)


@lru_cache(maxsize=1)
def _typo_index() -> dict[str, frozenset[str]]:
    """Each vocabulary word of seven letters or more, by each of its one-letter deletions."""
    index: dict[str, set[str]] = {}
    for word in _VOCABULARY:
        if len(word) >= 7:
            for key in deletions(word):
                index.setdefault(key, set()).add(word)
    return {key: frozenset(words) for key, words in index.items()}


#: Longer words are neither cached nor corrected (a hostile word of 100,000 letters).
LONGEST_WORD = 40


def read_word(word: str) -> str:
    """``word`` squeezed, and corrected when it is a symptom word or a body part of seven
    letters or more with one letter dropped ("hingles" is "shingles")."""
    return _read_word(word) if len(word) <= LONGEST_WORD else squeeze(word)


@lru_cache(maxsize=50000)
def _read_word(word: str) -> str:
    word = squeeze(word)
    if word in _VOCABULARY or word in NOT_TYPOS or len(word) < 6 or not word.isalpha():
        return word
    matches = sorted(
        c for c in _typo_index().get(word, ())
        if len(c) == len(word) + 1 and (c[0] == word[0] or (c[1:] == word and len(word) >= 7))
    )  # fmt: skip
    return matches[0] if matches else word


def word_term(word: str) -> bool | None:
    """What a read word says: True (a symptom, or a symptom stem begins it), False (a
    clinical noun or condition), None (nothing clinical, or a neutral word)."""
    return (
        _word_term(word)
        if len(word) <= LONGEST_WORD
        else _word_term.__wrapped__(word[:LONGEST_WORD])
    )


@lru_cache(maxsize=50000)
def _word_term(word: str) -> bool | None:
    if word in _WORDS:
        return _WORDS[word]
    for length in _STEM_LENGTHS:
        if length > len(word):
            break
        if word[:length] in SYMPTOM_STEMS:
            return True
    return None


#: A reading said to be off ("my sugar has been high", "la presión anda alta"): a symptom.
READINGS = _set(
    """
    sugar sugars glucose pressure bp cholesterol a1c readings reading numbers heart_rate
    pulse oxygen azucar glucosa presion colesterol trigliceridos oxigeno pulso
    """
)
OFF_LEVELS = _set("high low higher lower alta baja alto bajo altas bajos elevada elevado subida")
READING_WINDOW = 5
#: ...of a machine, not a person.
NOT_READINGS = _set("tire tires tyre tyres llanta llantas water agua cabin pool")
#: A measure of the body given as a number ("sugar 210", "bp 165 over 100", "39 de
#: temperatura"): a reading reported, whatever its level.
MEASURES = _set(
    """
    sugar sugars glucose pressure bp oxygen o2 sats saturation heart_rate pulse temp
    temperature azucar glucosa presion oxigeno oxigenacion saturacion pulso temperatura
    """
)
#: ...of a recipe, an oven, a room, a car, the weather or a price, not a person.
NOT_MEASURES = _set(
    """
    cup cups tbsp tsp teaspoon teaspoons tablespoon tablespoons grams gram oz ounces
    pounds lbs oven thermostat room outside weather forecast taza tazas
    cucharada cucharadas gramos kilo kilos horno termostato clima afuera pesos set heat
    heater heating ac aire calefaccion car cars truck gauge engine motor coche carro
    dollars dolares price precio cuesta cost costs
    """
)
MEASURE_WINDOW = 4

#: A symptom just after one of these is denied ("no fever", "sin dolor", "don't have a
#: rash"): a weak signal, not a strong one ("no fever, I just need to reschedule").
NEGATIONS = frozenset(
    _words(
        "no not dont doesnt didnt isnt arent wasnt havent hasnt never without nor sin ni "
        "nunca nada tampoco"
    )
)
#: ...unless the negation is of its stopping ("won't stop bleeding", "no se quita").
NOT_A_DENIAL = frozenset(_words("stop stops stopped stopping quita para deja go goes away"))
NEGATION_WINDOW = 3


def _denied(words: list[str], start: int) -> bool:
    before = words[max(0, start - NEGATION_WINDOW) : start]
    return not NEGATIONS.isdisjoint(before) and NOT_A_DENIAL.isdisjoint(before)


def clinical_signal(normalised: str) -> ClinicalSignal | None:
    """The first symptom in ``normalised`` that is not denied (a strong signal), else the
    first clinical noun, condition, denied symptom or body part named as someone's (a weak
    one), else None. Phrases are read first, longest first; a neutral phrase ("sick days")
    hides its words."""
    written = normalised.split()
    words = [read_word(word) for word in written]
    body = not BODY_PARTS.isdisjoint(words)
    weak: ClinicalSignal | None = None
    i = 0
    while i < len(words):
        length, says = _phrase_at(words, i)
        if not length:
            length = 1
            says = True if written[i] in AS_WRITTEN else _word_says(words, i, body)
        elif not body and " ".join(words[i : i + length]) in BESIDE_A_BODY:
            says = None
        term = " ".join(written[i : i + length])
        if says is True and not _denied(words, i):
            return ClinicalSignal(term, True)
        if weak is None and says is not None:
            weak = ClinicalSignal(term, False)
        elif weak is None and length == 1 and i and _owned_body_part(words[i - 1], words[i]):
            weak = ClinicalSignal(f"{written[i - 1]} {written[i]}", False)
        i += length
    return _reading_off(words, written) or weak


def _reading_off(words: list[str], written: list[str]) -> ClinicalSignal | None:
    """A reading said to be off ("my blood pressure has been high"), not a machine's."""
    if not NOT_READINGS.isdisjoint(words):
        return None
    for i, word in enumerate(words):
        if word in READINGS and not OFF_LEVELS.isdisjoint(words[i + 1 : i + READING_WINDOW]):
            return ClinicalSignal(" ".join(written[i : i + READING_WINDOW]), True)
    return _measure_given(words, written)


def _measure_given(words: list[str], written: list[str]) -> ClinicalSignal | None:
    """A measure of the body with a number of two or three digits beside it ("sugar's been
    running 210", "tiene 39 de temperatura"), not a recipe's, an oven's or a price's (a unit,
    an oven or a price just before it or in the words after)."""
    if MEASURES.isdisjoint(words):
        return None
    for i, word in enumerate(words):
        if word in MEASURES:
            start = max(0, i - MEASURE_WINDOW)
            near = written[start : i + MEASURE_WINDOW + 1]  # as written: "88" is no "8"
            numbers = [
                int(w)
                for w, after in zip(near, [*near[1:], ""], strict=True)
                if w.isdigit() and 2 <= len(w) <= 3 and after not in TIME_UNITS
            ]
            if (
                numbers
                and NOT_MEASURES.isdisjoint(written[max(0, i - 2) : i + MEASURE_WINDOW + 1])
                and not (word in TEMPERATURES and all(_normal_temperature(n) for n in numbers))
            ):
                return ClinicalSignal(" ".join(near), True)
    return None


#: A number of minutes, hours or days beside a measure is no reading ("after 20 min").
TIME_UNITS = _set(
    "min mins minute minutes hour hours hr hrs day days week weeks month months year years "
    "minuto minutos hora horas dia dias semana semanas mes meses ano anos"
)
#: A temperature said as a number in the normal range ("took her temp, it's 37.1, all good")
#: reports nothing off (the red-flag rules read it so too).
TEMPERATURES = _set("temp temperature temperatura")


def _normal_temperature(number: int) -> bool:
    return 35 <= number <= 37 or 96 <= number <= 99


def _phrase_at(words: list[str], i: int) -> tuple[int, bool | None]:
    """(the length of the longest phrase starting at ``i``, what it says), or (0, None)."""
    for length in _PHRASE_LENGTHS.get(words[i], ()):
        if i + length <= len(words):
            phrase = " ".join(words[i : i + length])
            if phrase in _PHRASES:
                return length, _PHRASES[phrase]
    return 0, None


def _word_says(words: list[str], i: int, body: bool) -> bool | None:
    """True: a symptom word (an ambiguous one beside a body part); False: a clinical noun or
    condition; None: nothing clinical."""
    word = words[i]
    says = word_term(word)
    if says is True or (body and word in AMBIGUOUS):
        return True
    return says


def _owned_body_part(before: str, word: str) -> bool:
    return (word in BODY_PARTS_EN and before in POSSESSIVES_EN) or (
        word in BODY_PARTS_ES and before in POSSESSIVES_ES
    )
