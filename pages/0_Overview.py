"""Home for stylists: what Atelier does, the clients, the active client's For-you picks, the catalog at a glance.

Model and installation facts stay in the "About this installation" expander at the bottom.
"""
import streamlit as st

from core.ui import catalog_map, item_grid, md, show_error
from core.ui.charts import catalog_map_height, catalog_map_html
from core.ui import state as keys
from core.ui.page import PAGES, page_context

studio, profiles, profile = page_context()

st.title("Atelier")
st.write("Your studio for dressing clients: find pieces by words, photos or sketches, redesign a garment, "
         "try it on a person, and turn a client's favourites into outfits and a lookbook.")

WHAT = {
    "pages/1_Discover.py": "Search the catalog by words, a photo, or both; like, pass and fill a client's cart.",
    "pages/2_Creative_Director.py": "Paint over part of a garment, describe the change, find real pieces like it.",
    "pages/3_Sketch_to_Cloth.py": "Draw a garment's outline and see the real garments that match it.",
    "pages/4_Try_On.py": "Put a garment on a person photo.",
    "pages/5_Stylist.py": "A client's likes, cart and budget; outfits around a piece; the lookbook PDF.",
}
st.subheader("What you can do")
cols = st.columns(len(WHAT))
for col, spec in zip(cols, [p for p in PAGES if p.path in WHAT]):
    with col.container(border=True):
        st.page_link(spec.path, label=spec.title, icon=spec.icon)
        st.caption(WHAT[spec.path])


def open_client(name: str) -> None:
    st.session_state[keys.PROFILE_NAME] = name
    st.session_state[keys.GOTO] = "stylist"


st.subheader("Your clients")
clients = profiles.list() if profiles is not None else []
if not clients:
    st.write("No clients yet. Create one under **New client profile** in the sidebar; likes, the cart and saved "
             "designs are then kept for that client.")
else:
    cols = st.columns(4)
    for n, c in enumerate(clients[:12]):
        with cols[n % 4].container(border=True):
            likes, cart = len(profiles.items(c.id, "like")), len(profiles.items(c.id, "cart"))
            st.markdown(f"**{md(c.name)}**" + ("  (active)" if profile is not None and profile.id == c.id else ""))
            st.caption(md(f"{likes} liked · {cart} in the cart" + (f" · budget ${c.budget:,.0f}" if c.budget else "")))
            st.button("Open", key=f"home-open-{c.id}", on_click=open_client, args=(c.name,), width="stretch")

if profile is not None:
    from core.stylist import for_you

    st.subheader(f"For you: {md(profile.name)}")
    try:
        feed = for_you(profiles, profile, studio.index, k=4)
        item_grid([h for h, _ in feed], key="home-feed", why={h.id: w for h, w in feed})
    except Exception as exc:
        show_error(exc)

status = studio.status()
st.subheader("The catalog at a glance")
try:
    points = catalog_map(studio, studio.index.name, studio.store.version(studio.index.name))
    shown = len(points["x"])
    st.caption(f"{status['items']:,} pieces" + (f", {shown:,} of them drawn" if 0 < shown < status["items"] else "")
               + ". Each dot is one piece, placed so that similar pieces sit close together.")
    if shown:
        # st.iframe (components.v1.html is deprecated): the map's names are escaped by catalog_map_html.
        st.iframe(catalog_map_html(points), height=catalog_map_height(points))
except Exception as exc:
    show_error(exc)

with st.expander("About this installation"):
    from core.ui import installation_facts

    installation_facts(studio)
    from core.ui.installation import installation_panel

    installation_panel(studio)
