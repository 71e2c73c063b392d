"""Atelier home: what it is, the catalog, the active models, a map of the catalog."""
import streamlit as st

st.set_page_config(page_title="Atelier", page_icon="🧵", layout="wide")

from core.ui import item_grid, model_banner, profile_picker, show_error, studio_or_stop  # noqa: E402

st.title("🧵 Atelier")
st.write("An AI fashion studio: search the catalog by words, photos or sketches, redesign garments, "
         "try them on, and build outfits for clients.")

studio = studio_or_stop()
status = studio.status()
c1, c2, c3, c4 = st.columns(4)
c1.metric("Catalog items", f"{status['items']:,}")
c2.metric("Encoder", "lite (offline)" if not status["full_model"] else "CLIP family")
c3.metric("Device", status["device"])
c4.metric("Vector size", status["dim"])
model_banner(studio)
with st.expander("Model status and how to get the full models"):
    st.markdown(
        f"- **Search encoder**: {status['encoder']} — {status['encoder_detail']}\n"
        f"- **Why this one**: {status['why']}\n"
        f"- **Index**: {status['store']} · collection `{status['collection']}`\n"
        "- **Full search model**: `hf download openai/clip-vit-base-patch32` (or `patrickjohncyh/fashion-clip`, "
        "`google/siglip-base-patch16-224`) on a machine with internet, then restart; set "
        "`ATELIER_CLIP_MODEL` to choose one. A GPU is optional (fp16 is used when present).")

with st.expander("About this installation: download models, import a real catalog"):
    from core.ui.installation import installation_panel

    installation_panel(studio)

profiles, profile = profile_picker(studio)
if profile is not None:
    from core.stylist import for_you

    st.subheader(f"For you · {profile.name}")
    try:
        feed = for_you(profiles, profile, studio.index, k=4)
        item_grid([h for h, _ in feed], key="home-feed", why={h.id: w for h, w in feed})
    except Exception as exc:
        show_error(exc)

st.subheader("The catalog at a glance")
st.caption("Each dot is an item, placed by its embedding (first two principal components), coloured by category.")
try:
    import altair as alt
    import pandas as pd

    from core.ui import catalog_map

    data = pd.DataFrame(catalog_map(studio, studio.index.name, studio.store.version(studio.index.name)))
    if len(data):
        chart = alt.Chart(data).mark_circle(size=40, opacity=0.75).encode(
            x=alt.X("x", axis=None), y=alt.Y("y", axis=None), color=alt.Color("category", legend=alt.Legend(columns=2)),
            tooltip=["name", "category", "id"]).properties(height=420)
        st.altair_chart(chart, width="stretch")
except Exception as exc:
    show_error(exc)

st.subheader("Studio")
st.page_link("pages/1_Discover.py", label="Discover: search by text, image or both", icon="🔎")
st.page_link("pages/2_Creative_Director.py", label="Creative Director: repaint part of a garment, find real matches", icon="🎨")
st.page_link("pages/3_Sketch_to_Cloth.py", label="Sketch to Cloth: draw a garment, find the real ones", icon="✏️")
st.page_link("pages/4_Try_On.py", label="Try-On: put a garment on a person photo", icon="🧍")
st.page_link("pages/5_Stylist.py", label="Stylist: client profiles, For you, outfits, lookbooks", icon="👗")
